//! Text from files and users, made safe to print: a file name can hold terminal escape sequences
//! (`\x1b]0;…`), which must reach a terminal or a log as visible text, never as commands.

/// `text` with control characters (C0, DEL, C1) escaped as `\u{..}`; tabs and newlines too.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// A path for people: lossy where the name is not UTF-8, with control characters escaped.
pub fn printable_path(path: &std::path::Path) -> String {
    printable(&path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            printable("clip\x1b]0;pwned\x07.mp4"),
            "clip\\u{1b}]0;pwned\\u{7}.mp4"
        );
        assert_eq!(printable("a\nb\u{9b}c"), "a\\u{a}b\\u{9b}c");
        assert_eq!(printable("Été 🎬.mov"), "Été 🎬.mov");
    }
}
