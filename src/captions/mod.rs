//! Captions: cues built from word times ([`cues`]), the edits a creator makes to them ([`edit`]),
//! SRT/VTT in and SRT/VTT/ASS/JSON/CSV out ([`parse`], [`files`]), the style model shared by the
//! burn-in and the window's preview (SPEC §4.6), the fonts they are drawn with, and the ASS script
//! the render burns in through `assrender`.

pub mod ass;
pub mod cues;
pub mod edit;
pub mod files;
pub mod fonts;
pub mod parse;
mod style;

pub use cues::CuePreset;
pub use style::{Align, CaptionStyle};
