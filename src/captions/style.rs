use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How captions look (SPEC §4.6). Sizes are in output pixels; the preview scales them by
/// `preview_height / output_height`. Absent fields take their defaults, so a style saved by an
/// older version still reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct CaptionStyle {
    /// One of the bundled families (`Inter`, `Bebas Neue`).
    pub font: String,
    /// Text height in output pixels, 12–200.
    pub size: u32,
    /// `#RRGGBB`.
    pub color: String,
    pub outline_color: String,
    /// Outline width in output pixels, 0–10.
    pub outline_width: f64,
    /// Shadow offset in output pixels, 0–10.
    pub shadow: f64,
    /// An opaque box behind the text instead of an outline.
    pub box_enabled: bool,
    pub box_color: String,
    /// Where the bottom of the caption sits, % of the height from the top (0–100).
    pub position: f64,
    pub align: Align,
    /// Extra space between letters, output pixels (−5–20).
    pub letter_spacing: f64,
    /// Colour of the words already spoken (karaoke), when cues carry word times.
    pub highlight_color: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    Left,
    Center,
    Right,
}

impl Default for CaptionStyle {
    fn default() -> Self {
        Self {
            font: "Inter".into(),
            size: 48,
            color: "#FFFFFF".into(),
            outline_color: "#000000".into(),
            outline_width: 3.0,
            shadow: 0.0,
            box_enabled: false,
            box_color: "#000000".into(),
            position: 85.0,
            align: Align::Center,
            letter_spacing: 0.0,
            highlight_color: None,
        }
    }
}

/// `#RRGGBB` as (r, g, b).
pub(crate) fn parse_color(text: &str) -> Option<(u8, u8, u8)> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}

impl CaptionStyle {
    /// What is wrong with this style (empty when it can be drawn).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if super::fonts::find(&self.font).is_none() {
            let known: Vec<&str> = super::fonts::FONTS.iter().map(|f| f.family).collect();
            problems.push(format!(
                "the caption font {:?} is not one of the bundled fonts ({})",
                self.font,
                known.join(", ")
            ));
        }
        if !(12..=200).contains(&self.size) {
            problems.push(format!(
                "the caption size {} must be 12-200 pixels",
                self.size
            ));
        }
        let colors = [
            ("text colour", Some(&self.color)),
            ("outline colour", Some(&self.outline_color)),
            ("box colour", Some(&self.box_color)),
            ("highlight colour", self.highlight_color.as_ref()),
        ];
        for (what, value) in colors {
            if let Some(value) = value {
                if parse_color(value).is_none() {
                    problems.push(format!("the caption {what} {value:?} is not #RRGGBB"));
                }
            }
        }
        if !(0.0..=10.0).contains(&self.outline_width) {
            problems.push(format!(
                "the caption outline {} must be 0-10 pixels",
                self.outline_width
            ));
        }
        if !(0.0..=10.0).contains(&self.shadow) {
            problems.push(format!(
                "the caption shadow {} must be 0-10 pixels",
                self.shadow
            ));
        }
        if !(0.0..=100.0).contains(&self.position) {
            problems.push(format!(
                "the caption position {} must be 0-100 %",
                self.position
            ));
        }
        if !(-5.0..=20.0).contains(&self.letter_spacing) {
            problems.push(format!(
                "the caption letter spacing {} must be -5 to 20 pixels",
                self.letter_spacing
            ));
        }
        problems
    }
}
