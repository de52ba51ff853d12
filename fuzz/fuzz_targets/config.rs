//! Any bytes to `Config::from_yaml`, the archive's own `.briefdiff.yaml`: it must return
//! `Ok` or an error, never panic, and its errors must never quote a value.
//!
//! Each `$` in the input becomes a canary scalar, so the fuzzer can place it anywhere: as
//! a key, a value, inside a regex. An error may name a key (in backticks), never a
//! value, so the canary may appear only inside a backtick-quoted part of the message.
//! Regexes that compile are also applied to a text with the canary, through the bounded
//! `ignore.text` removal.

#![no_main]

use std::path::Path;

use briefdiff::config::Config;
use libfuzzer_sys::fuzz_target;

const CANARY: &str = "zqxjcanaryvalue";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.replace('$', CANARY);
    match Config::from_yaml(&text, Path::new(".briefdiff.yaml")) {
        Ok(config) => {
            let sample = format!("Unable to execute JavaScript. {CANARY} aaaa b {CANARY}");
            for rule in &config.ignore.text {
                let (removed, _) = rule.remove(&sample);
                assert!(removed.len() <= sample.len());
            }
        }
        Err(error) => {
            let message = error.to_string();
            assert!(message.starts_with(".briefdiff.yaml"), "{message}");
            // Outside backticks (even-numbered parts), no canary.
            for (index, part) in message.split('`').enumerate() {
                assert!(
                    index % 2 == 1 || !part.contains(CANARY),
                    "a value was quoted: {message}"
                );
            }
        }
    }
});
