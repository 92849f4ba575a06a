//! The caption fonts, compiled in (see `assets/fonts/README.md` for their origin and licences), so
//! a burn-in never depends on what a machine has installed.

pub struct Font {
    /// The family name captions ask for, as the font file names itself.
    pub family: &'static str,
    /// The name libass finds the file by: the font's own family name (name ID 1), which for
    /// fonts with a typographic family (name ID 16) differs from the name people know.
    pub ass_name: &'static str,
    pub file_name: &'static str,
    pub bytes: &'static [u8],
}

pub const FONTS: [Font; 2] = [
    Font {
        family: "Inter",
        ass_name: "Inter",
        file_name: "Inter-Bold.otf",
        bytes: include_bytes!("../../assets/fonts/Inter-Bold.otf"),
    },
    Font {
        family: "Bebas Neue",
        ass_name: "Bebas Neue Bold",
        file_name: "BebasNeue-Bold.otf",
        bytes: include_bytes!("../../assets/fonts/BebasNeue-Bold.otf"),
    },
];

pub fn find(family: &str) -> Option<&'static Font> {
    FONTS.iter().find(|f| f.family == family)
}
