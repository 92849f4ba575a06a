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
    fn fit_centres_the_whole_picture() {
        let r = place((1920, 1080), &framing(FramingMode::Fit, 0.0), (1080, 1920));
        assert_eq!((r.x, r.y, r.width, r.height), (0.0, 656.0, 1080.0, 608.0));
    }
}
