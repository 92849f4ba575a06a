//! Captions: the style model shared by the burn-in and the window's preview (SPEC §4.6), the
//! fonts they are drawn with, and the ASS script the render burns in through `assrender`.

pub mod ass;
pub mod fonts;
mod style;

pub use style::{Align, CaptionStyle};
