//! Any bytes to `parse_briefing`: it must return `Ok` or a located `Err`, never panic,
//! hang or blow up quadratically.

#![no_main]

use briefdiff::model::Origin;
use briefdiff::parse::parse_briefing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let origin = Origin::at_revision("fuzz.md", "0123456789abcdef0123456789abcdef01234567");
    match parse_briefing(data, &origin) {
        Ok(parsed) => {
            // Every block points at a line of the input (whose lines end in a bare CR
            // when it has no LF at all).
            let line_end = if data.contains(&b'\n') { b'\n' } else { b'\r' };
            let lines = data.iter().filter(|&&b| b == line_end).count() + 1;
            for block in &parsed.briefing.blocks {
                assert!(
                    block.line >= 1 && block.line <= lines,
                    "block line out of range"
                );
            }
        }
        Err(error) => {
            // The message names the file.
            assert!(error.to_string().contains("fuzz.md"));
        }
    }
});
