//! GitHub Actions workflow commands (`::error file=…,line=…::message`), one line per
//! finding, so that `briefdiff check --format github` annotates the pull request.

use std::io::{self, Write};

use super::visible;
use crate::diff::{Finding, Severity};

/// Writes one finding as a workflow annotation; `Severity::Off` writes nothing.
pub fn write_annotation(out: &mut impl Write, path: &str, finding: &Finding) -> io::Result<()> {
    let command = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Off => return Ok(()),
    };
    let line = finding
        .line
        .map(|line| format!(",line={line}"))
        .unwrap_or_default();
    writeln!(
        out,
        "::{command} file={}{line},title={}::{}",
        escape_property(path),
        escape_property(&format!("briefdiff {}", finding.rule.as_str())),
        escape_data(&finding.message)
    )
}

/// Writes an annotation about no file in particular (a bulk event), at `severity`.
pub fn write_notice(
    out: &mut impl Write,
    severity: Severity,
    title: &str,
    message: &str,
) -> io::Result<()> {
    let command = match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Off => return Ok(()),
    };
    writeln!(
        out,
        "::{command} title={}::{}",
        escape_property(title),
        escape_data(message)
    )
}

/// The escaping GitHub applies to a command's message (line breaks are allowed, as
/// `%0A`), then other control characters shown ([`visible`]): CI logs render ANSI
/// escapes.
fn escape_data(text: &str) -> String {
    let escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    visible(&escaped).into_owned()
}

/// The escaping GitHub applies to a command's property values.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::diff::RuleId;

    fn finding(severity: Severity) -> Finding {
        Finding {
            rule: RuleId::StealthEdit,
            severity,
            message: "body changed, 100% silent\nsecond line\u{1b}[8m".into(),
            line: Some(12),
        }
    }

    #[test]
    fn writes_escaped_annotation() {
        let mut out = Vec::new();
        write_annotation(&mut out, "a,b:c.md", &finding(Severity::Error)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error file=a%2Cb%3Ac.md,line=12,title=briefdiff stealth-edit::body changed, 100%25 silent%0Asecond line␛[8m\n"
        );
    }

    #[test]
    fn off_findings_write_nothing() {
        let mut out = Vec::new();
        write_annotation(&mut out, "a.md", &finding(Severity::Off)).unwrap();
        assert!(out.is_empty());
    }
}
