//! Where an item's picture goes in the output frame. The export and the editor's preview both
//! place pictures with this one function, so what the preview shows is what the export draws.

use serde::Serialize;
use ts_rs::TS;

use crate::timeline::{Framing, FramingMode};

/// A rectangle in output pixels (may reach past the frame when the picture is cropped).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The picture of `display` size (as shown, rotation applied) in a `frame`-sized output: filling
/// it around the focus point, or fitting inside it (over bars, or over a blurred fill).
pub fn place(display: (u32, u32), framing: &Framing, frame: (u32, u32)) -> Rect {
    let (w, h) = (f64::from(frame.0), f64::from(frame.1));
    let (sw, sh) = (f64::from(display.0.max(1)), f64::from(display.1.max(1)));
    let fill = (w / sw).max(h / sh);
    let fit = (w / sw).min(h / sh);
    let scale = match framing.mode {
        FramingMode::Fill => fill * framing.zoom.max(1.0),
        FramingMode::Fit | FramingMode::BlurFit => fit * framing.zoom.max(1.0),
    };
    let (cw, ch) = (sw * scale, sh * scale);
    let (x, y) = if cw >= w && ch >= h {
        // Put the focus point in the middle, without showing past the picture's edges.
        (
            (w / 2.0 - framing.focus_x * cw).clamp(w - cw, 0.0),
            (h / 2.0 - framing.focus_y * ch).clamp(h - ch, 0.0),
        )
    } else {
        ((w - cw) / 2.0, (h - ch) / 2.0)
    };
    Rect {
        x: x.round(),
        y: y.round(),
        width: cw.round(),
        height: ch.round(),
    }
}

/// Under a blur-fit item: the same picture filling the frame around its centre.
pub fn backdrop(display: (u32, u32), frame: (u32, u32)) -> Rect {
    place(display, &Framing::default(), frame)
}

/// Source pixels to cut away before scaling, and where what is left goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Crop {
    pub left: u32,
    pub right: u32,
    pub top: u32,
    pub bottom: u32,
    pub rect: Rect,
}

/// When `rect` (from [`place`]) reaches past the frame, the part of the picture that shows, cut
/// out before scaling: scaling only that costs a fraction of scaling the whole picture (a landscape
/// source filling a vertical frame shows under a third of it), and the cut-out is then stretched
/// exactly over the frame's edges instead of landing a fraction of a pixel off them (as ffmpeg's
/// `crop,scale` does). Edges are rounded to even source pixels, for 4:2:0 chroma; the stretch this
/// costs is under one source pixel.
pub fn crop_first(display: (u32, u32), rect: Rect, frame: (u32, u32)) -> Option<Crop> {
    // One dimension: (cut before, cut after, shown from, shown length).
    let axis = |source: u32, at: f64, length: f64, frame: u32| -> (u32, u32, f64, f64) {
        let frame = f64::from(frame);
        if at >= 0.0 && at + length <= frame {
            return (0, 0, at, length);
        }
        let per_pixel = length / f64::from(source.max(1));
        let even = |pixels: f64| (((pixels / 2.0).round() * 2.0) as u32).min(source);
        let from = even((0.0 - at).max(0.0) / per_pixel);
        let to = even((frame.min(at + length) - at) / per_pixel).max(from);
        let shown_at = at.max(0.0);
        (
            from,
            source - to,
            shown_at,
            frame.min(at + length) - shown_at,
        )
    };
    let (left, right, x, width) = axis(display.0, rect.x, rect.width, frame.0);
    let (top, bottom, y, height) = axis(display.1, rect.y, rect.height, frame.1);
    if left + right + top + bottom == 0 || left + right >= display.0 || top + bottom >= display.1 {
        return None;
    }
    Some(Crop {
        left,
        right,
        top,
        bottom,
        rect: Rect {
            x: x.round(),
            y: y.round(),
            width: width.round(),
            height: height.round(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framing(mode: FramingMode, focus_x: f64) -> Framing {
        Framing {
            mode,
            focus_x,
            focus_y: 0.5,
            zoom: 1.0,
        }
    }

    #[test]
    fn landscape_fills_a_vertical_frame_around_the_focus_without_showing_past_its_edges() {
        let left = place((1920, 1080), &framing(FramingMode::Fill, 0.0), (1080, 1920));
        assert_eq!((left.x, left.width, left.height), (0.0, 3413.0, 1920.0));
        let middle = place((1920, 1080), &framing(FramingMode::Fill, 0.5), (1080, 1920));
        assert_eq!(middle.x, (540.0 - 3413.33 / 2.0_f64).round());
        let right = place((1920, 1080), &framing(FramingMode::Fill, 1.0), (1080, 1920));
        assert_eq!(right.x, 1080.0 - 3413.0);
    }

    #[test]
    fn only_the_shown_part_of_a_filling_picture_is_kept_and_stretched_over_the_frame() {
        for focus in [0.0, 0.3, 0.5, 1.0] {
            let rect = place(
                (1920, 1080),
                &framing(FramingMode::Fill, focus),
                (1080, 1920),
            );
            let crop = crop_first((1920, 1080), rect, (1080, 1920)).unwrap();
            assert_eq!((crop.top, crop.bottom), (0, 0));
            assert!(crop.left.is_multiple_of(2) && crop.right.is_multiple_of(2));
            // 607.5 of the 1920 columns show.
            assert_eq!(1920 - crop.left - crop.right, 608, "focus {focus}");
            // Where the cut starts is where the frame's left edge fell on the whole picture.
            let scale = rect.width / 1920.0;
            assert!((f64::from(crop.left) + rect.x / scale).abs() <= 1.0);
            let r = crop.rect;
            assert_eq!((r.x, r.y, r.width, r.height), (0.0, 0.0, 1080.0, 1920.0));
        }
        // ffmpeg's `crop=608:1080:656:0` for the centre.
        let centre = place((1920, 1080), &framing(FramingMode::Fill, 0.5), (1080, 1920));
        assert_eq!(
            crop_first((1920, 1080), centre, (1080, 1920)).unwrap().left,
            656
        );
    }

    #[test]
    fn a_zoomed_fit_is_cut_only_where_it_reaches_past_the_frame() {
        let zoomed = Framing {
            zoom: 2.0,
            ..framing(FramingMode::Fit, 0.5)
        };
        let rect = place((1920, 1080), &zoomed, (1080, 1920));
        let crop = crop_first((1920, 1080), rect, (1080, 1920)).unwrap();
        assert_eq!((crop.top, crop.bottom), (0, 0));
        assert_eq!(crop.left, crop.right);
        assert_eq!((crop.rect.x, crop.rect.width), (0.0, 1080.0));
        assert_eq!((crop.rect.y, crop.rect.height), (rect.y, rect.height));
    }

    #[test]
    fn a_picture_that_fits_is_not_cropped() {
        let rect = place((1920, 1080), &framing(FramingMode::Fit, 0.5), (1080, 1920));
        assert_eq!(crop_first((1920, 1080), rect, (1080, 1920)), None);
        let exact = place((1080, 1920), &framing(FramingMode::Fill, 0.5), (1080, 1920));
        assert_eq!(crop_first((1080, 1920), exact, (1080, 1920)), None);
    }

    #[test]
    fn fit_centres_the_whole_picture() {
        let r = place((1920, 1080), &framing(FramingMode::Fit, 0.0), (1080, 1920));
        assert_eq!((r.x, r.y, r.width, r.height), (0.0, 656.0, 1080.0, 608.0));
    }
}
