//! Captions as Advanced SubStation Alpha, the format libass (and so `assrender`) draws. Written
//! here rather than with a subtitle crate: the crates on crates.io read and write cue text and
//! times but model neither V4+ styles nor karaoke tags, which are the point of this output.

use super::style::{parse_color, Align, CaptionStyle};
use crate::timeline::{Captions, Cue, Nanos};

/// A caption track ready for `assrender`: the script header (its codec data) and one event per
/// cue in Matroska's block form (`ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text`),
/// timed in nanoseconds of the output.
pub struct Track {
    pub header: String,
    pub events: Vec<Event>,
}

pub struct Event {
    pub start: Nanos,
    pub end: Nanos,
    pub block: String,
}

/// `&HAABBGGRR`, opaque.
fn ass_color(hex: &str) -> String {
    let (r, g, b) = parse_color(hex).unwrap_or((255, 255, 255));
    format!("&H00{b:02X}{g:02X}{r:02X}")
}

fn header(style: &CaptionStyle, width: u32, height: u32) -> String {
    let (primary, secondary) = match &style.highlight_color {
        Some(highlight) => (ass_color(highlight), ass_color(&style.color)),
        None => (ass_color(&style.color), ass_color(&style.color)),
    };
    // libass draws an opaque box (border style 3) in the outline colour.
    let (border_style, outline_color, outline) = if style.box_enabled {
        let padding = style.outline_width.max(style.size as f64 * 0.15);
        (3, ass_color(&style.box_color), padding)
    } else {
        (1, ass_color(&style.outline_color), style.outline_width)
    };
    let alignment = match style.align {
        Align::Left => 1,
        Align::Center => 2,
        Align::Right => 3,
    };
    // Platform buttons cover the right rail; the text keeps clear of it.
    let margin_l = (width as f64 * 0.06).round() as u32;
    let margin_r = (width as f64 * 0.12).round() as u32;
    let margin_v = (height as f64 * (100.0 - style.position) / 100.0).round() as u32;
    format!(
        "[Script Info]\n\
         ScriptType: v4.00+\n\
         PlayResX: {width}\n\
         PlayResY: {height}\n\
         WrapStyle: 0\n\
         ScaledBorderAndShadow: yes\n\
         YCbCr Matrix: TV.709\n\
         \n\
         [V4+ Styles]\n\
         Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n\
         Style: Caption,{font},{size},{primary},{secondary},{outline_color},&H80000000,-1,0,0,0,100,100,{spacing},0,{border_style},{outline},{shadow},{alignment},{margin_l},{margin_r},{margin_v},1\n\
         \n\
         [Events]\n\
         Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
        font = super::fonts::find(&style.font).map_or(style.font.as_str(), |f| f.ass_name),
        size = style.size,
        spacing = style.letter_spacing,
        shadow = style.shadow,
    )
}

/// Text as ASS shows it literally: braces would open override blocks and a backslash a tag.
fn literal(text: &str) -> String {
    text.replace('\\', "\u{29F5}")
        .replace('{', "(")
        .replace('}', ")")
        .replace("\r\n", "\\N")
        .replace('\n', "\\N")
}

fn centiseconds(ns: Nanos) -> i64 {
    (ns.max(0) as f64 / 1e7).round() as i64
}

/// The cue's text; with a highlight colour and word times, each word is a karaoke syllable
/// (`\k`) that turns the highlight colour as it is spoken.
fn cue_text(cue: &Cue, karaoke: bool) -> String {
    if !karaoke || cue.words.is_empty() {
        return literal(cue.text.trim());
    }
    let mut text = String::new();
    let lead = centiseconds(cue.words[0].start - cue.start);
    if lead > 0 {
        text.push_str(&format!("{{\\k{lead}}}"));
    }
    for (i, word) in cue.words.iter().enumerate() {
        let until = cue.words.get(i + 1).map_or(word.end, |next| next.start);
        let length = centiseconds(until - word.start).max(1);
        if i > 0 {
            text.push(' ');
        }
        text.push_str(&format!("{{\\k{length}}}{}", literal(word.text.trim())));
    }
    text
}

/// The burn-in track of `captions` for an output of `width`×`height`.
pub fn track(captions: &Captions, width: u32, height: u32) -> Track {
    let karaoke = captions.style.highlight_color.is_some();
    let events = captions
        .cues
        .iter()
        .enumerate()
        .map(|(i, cue)| Event {
            start: cue.start,
            end: cue.end,
            block: format!("{i},0,Caption,,0,0,0,,{}", cue_text(cue, karaoke)),
        })
        .collect();
    Track {
        header: header(&captions.style, width, height),
        events,
    }
}

/// `H:MM:SS.cc`, ASS's time format.
fn timestamp(ns: Nanos) -> String {
    let cs = centiseconds(ns);
    format!(
        "{}:{:02}:{:02}.{:02}",
        cs / 360_000,
        cs / 6_000 % 60,
        cs / 100 % 60,
        cs % 100
    )
}

/// A complete `.ass` file of `captions` (for export, or to check a burn-in with other players).
pub fn file(captions: &Captions, width: u32, height: u32) -> String {
    let karaoke = captions.style.highlight_color.is_some();
    let mut text = header(&captions.style, width, height);
    for cue in &captions.cues {
        text.push_str(&format!(
            "Dialogue: 0,{},{},Caption,,0,0,0,,{}\n",
            timestamp(cue.start),
            timestamp(cue.end),
            cue_text(cue, karaoke)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Word;

    fn cue() -> Cue {
        Cue {
            start: 1_000_000_000,
            end: 2_500_000_000,
            text: "Hello {big} world".into(),
            words: vec![
                Word {
                    text: "Hello".into(),
                    start: 1_200_000_000,
                    end: 1_600_000_000,
                },
                Word {
                    text: "world".into(),
                    start: 1_700_000_000,
                    end: 2_400_000_000,
                },
            ],
        }
    }

    #[test]
    fn a_cue_becomes_a_dialogue_with_its_times_and_literal_text() {
        let captions = Captions {
            cues: vec![cue()],
            style: CaptionStyle::default(),
        };
        let file = file(&captions, 1080, 1920);
        assert!(file.contains("PlayResY: 1920"), "{file}");
        assert!(
            file.contains("Style: Caption,Inter,48,&H00FFFFFF"),
            "{file}"
        );
        assert!(
            file.contains("Dialogue: 0,0:00:01.00,0:00:02.50,Caption,,0,0,0,,Hello (big) world"),
            "{file}"
        );
        // Bottom of the text at 85 %: 15 % of 1920 from the bottom.
        assert!(file.contains(",2,65,130,288,1"), "{file}");
    }

    #[test]
    fn with_a_highlight_colour_each_word_is_a_karaoke_syllable() {
        let captions = Captions {
            cues: vec![cue()],
            style: CaptionStyle {
                highlight_color: Some("#FFE000".into()),
                ..CaptionStyle::default()
            },
        };
        let track = track(&captions, 1080, 1920);
        assert_eq!(
            track.events[0].block,
            "0,0,Caption,,0,0,0,,{\\k20}{\\k50}Hello {\\k70}world"
        );
        assert!(
            track.header.contains("&H0000E0FF,&H00FFFFFF"),
            "{}",
            track.header
        );
    }
}
