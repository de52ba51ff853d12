//! Characters a reader cannot see: Unicode's format characters (general category Cf),
//! the line and paragraph separators (Zl, Zp), and the other default-ignorable code
//! points (a Hangul filler, the combining grapheme joiner, tag characters, unassigned
//! ignorables). An edit made of them changes the text without changing what a reader
//! sees, so the reports name each one (`<U+00AD>`) instead of printing it.
//!
//! Two kinds stay out, since visible text needs them: the zero-width joiner (U+200D,
//! inside emoji and some scripts) and the variation selectors (U+FE00–U+FE0F,
//! U+E0100–U+E01EF, emoji presentation and ideographic variants).
//!
//! The table is generated from Unicode 14's `UnicodeData.txt` (Cf, Zl, Zp) and
//! `DerivedCoreProperties.txt` (`Default_Ignorable_Code_Point`), merged into ranges:
//!
//! ```text
//! import unicodedata                    # Python 3.11: Unicode 14
//! ignorable = [(0xAD, 0xAD), (0x34F, 0x34F), (0x61C, 0x61C), (0x115F, 0x1160),
//!     (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
//!     (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
//!     (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
//!     (0xE0000, 0xE0FFF)]               # Default_Ignorable_Code_Point
//! chars = {c for c in range(0x110000) if unicodedata.category(chr(c)) in ('Cf', 'Zl', 'Zp')}
//! chars |= {c for low, high in ignorable for c in range(low, high + 1)}
//! chars -= {0x200D, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}
//! # then merge consecutive code points into (low, high) ranges
//! ```

/// Sorted, disjoint, inclusive ranges.
const INVISIBLE: &[(char, char)] = &[
    ('\u{00ad}', '\u{00ad}'),
    ('\u{034f}', '\u{034f}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061c}', '\u{061c}'),
    ('\u{06dd}', '\u{06dd}'),
    ('\u{070f}', '\u{070f}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08e2}', '\u{08e2}'),
    ('\u{115f}', '\u{1160}'),
    ('\u{17b4}', '\u{17b5}'),
    ('\u{180b}', '\u{180f}'),
    ('\u{200b}', '\u{200c}'),
    ('\u{200e}', '\u{200f}'),
    ('\u{2028}', '\u{202e}'),
    ('\u{2060}', '\u{206f}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{feff}', '\u{feff}'),
    ('\u{ffa0}', '\u{ffa0}'),
    ('\u{fff0}', '\u{fffb}'),
    ('\u{110bd}', '\u{110bd}'),
    ('\u{110cd}', '\u{110cd}'),
    ('\u{13430}', '\u{13438}'),
    ('\u{1bca0}', '\u{1bca3}'),
    ('\u{1d173}', '\u{1d17a}'),
    ('\u{e0000}', '\u{e00ff}'),
    ('\u{e01f0}', '\u{e0fff}'),
];

/// True when `ch` is invisible: a format character, a line or paragraph separator, or
/// another default-ignorable code point (see the module doc for the two exceptions).
pub fn is_invisible(ch: char) -> bool {
    // Every range starts at U+00AD or later: the common case is one comparison.
    if ch < '\u{ad}' {
        return false;
    }
    INVISIBLE
        .binary_search_by(|&(low, high)| {
            if high < ch {
                std::cmp::Ordering::Less
            } else if low > ch {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_disjoint() {
        assert!(INVISIBLE.iter().all(|(low, high)| low <= high));
        assert!(INVISIBLE.windows(2).all(|pair| pair[0].1 < pair[1].0));
    }

    #[test]
    fn format_characters_separators_and_ignorables_are_invisible() {
        for ch in [
            '\u{ad}',
            '\u{34f}',
            '\u{115f}',
            '\u{180e}',
            '\u{200b}',
            '\u{200c}',
            '\u{2028}',
            '\u{2029}',
            '\u{202e}',
            '\u{2061}',
            '\u{2064}',
            '\u{206a}',
            '\u{206f}',
            '\u{3164}',
            '\u{feff}',
            '\u{fff9}',
            '\u{fffb}',
            '\u{e0000}',
            '\u{e0041}',
            '\u{e007f}',
        ] {
            assert!(is_invisible(ch), "{:04X}", u32::from(ch));
        }
        for ch in [
            'a',
            ' ',
            '\u{a0}',
            '\u{200d}',
            '\u{fe0f}',
            '\u{e0100}',
            'é',
            '日',
            '\u{2019}',
        ] {
            assert!(!is_invisible(ch), "{:04X}", u32::from(ch));
        }
    }
}
