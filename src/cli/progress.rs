//! A one-line progress counter on stderr for long walks: done and total, time elapsed and
//! an estimate of the time left. Shown only when stderr is a terminal, so that logs and
//! pipes never see it, and never while a pager owns the terminal.
//!
//! When stdout is the same terminal, report lines and the progress line take turns on
//! it: standard output goes through [`Clearing`], which erases the progress line before
//! the report's bytes reach the terminal, and the line is drawn again only when the
//! report stands at the start of a line, so it never lands inside a report line.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Redraws at most this often: a 7,000-briefing archive would otherwise spend its time
/// drawing.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// No estimate before this much time has passed: the first histories say little about
/// the rest.
const ESTIMATE_AFTER: Duration = Duration::from_secs(1);

/// Width of the progress line drawn last, in columns; 0 when none is on the screen.
static DRAWN: AtomicUsize = AtomicUsize::new(0);

/// Whether standard output last ended a line (or has written nothing yet).
static AT_LINE_START: AtomicBool = AtomicBool::new(true);

/// Cleared while a pager draws on the terminal.
static ALLOWED: AtomicBool = AtomicBool::new(true);

/// No progress line from now on (a pager has taken the terminal).
pub fn forbid() {
    ALLOWED.store(false, Ordering::Relaxed);
}

#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    total: usize,
    done: usize,
    started: Instant,
    last_drawn: Option<Instant>,
}

impl Progress {
    pub fn new(total: usize) -> Self {
        Progress {
            enabled: ALLOWED.load(Ordering::Relaxed)
                && std::io::stderr().is_terminal()
                && total > 1,
            total,
            done: 0,
            started: Instant::now(),
            last_drawn: None,
        }
    }

    /// One more briefing done.
    pub fn tick(&mut self) {
        self.done += 1;
        if !self.enabled || !AT_LINE_START.load(Ordering::Relaxed) {
            return;
        }
        let now = Instant::now();
        if self
            .last_drawn
            .is_some_and(|last| now.duration_since(last) < REDRAW_EVERY)
            && self.done < self.total
        {
            return;
        }
        self.last_drawn = Some(now);
        let line = progress_line(self.done, self.total, now.duration_since(self.started));
        let mut stderr = std::io::stderr().lock();
        // Padded to the line drawn before, which a shorter one (`about 9:59 left` after
        // `about 10:00 left`) would otherwise leave the end of on the screen.
        let width = line.chars().count().max(DRAWN.load(Ordering::Relaxed));
        // Progress is a courtesy: a failed write to the terminal must not stop the walk.
        let _ = write!(stderr, "\r{line:<width$}");
        let _ = stderr.flush();
        DRAWN.store(width, Ordering::Relaxed);
    }

    /// Clears the line before the final output.
    pub fn finish(&mut self) {
        if self.enabled {
            clear();
        }
    }
}

/// `[=====     ] 2/3 briefings  0:04 elapsed, about 0:02 left`.
fn progress_line(done: usize, total: usize, elapsed: Duration) -> String {
    let width = 30;
    let filled = width * done.min(total) / total.max(1);
    let mut line = format!(
        "[{}{}] {done}/{total} briefings  {} elapsed",
        "=".repeat(filled),
        " ".repeat(width - filled),
        clock(elapsed)
    );
    if done > 0 && done < total && elapsed >= ESTIMATE_AFTER {
        let per_briefing = elapsed.as_secs_f64() / done as f64;
        let left = Duration::from_secs_f64(per_briefing * (total - done) as f64);
        line.push_str(&format!(", about {} left", clock(left)));
    }
    line
}

/// `0:07`, `12:30`, `1:02:03`.
fn clock(duration: Duration) -> String {
    let seconds = duration.as_secs();
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// Erases the progress line, if one is drawn.
pub(crate) fn clear() {
    let drawn = DRAWN.swap(0, Ordering::Relaxed);
    if drawn > 0 {
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r{:drawn$}\r", "");
        let _ = stderr.flush();
    }
}

/// Standard output, erasing the progress line before each write when both share the
/// terminal, and noting whether the output stands at the start of a line.
#[derive(Debug)]
pub struct Clearing<W> {
    inner: W,
    shares_terminal: bool,
}

impl<W: Write> Clearing<W> {
    pub fn new(inner: W, shares_terminal: bool) -> Self {
        Clearing {
            inner,
            shares_terminal,
        }
    }
}

impl<W: Write> Write for Clearing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.shares_terminal {
            return self.inner.write(buf);
        }
        clear();
        let written = self.inner.write(buf)?;
        if let Some(&last) = buf[..written].last() {
            AT_LINE_START.store(last == b'\n', Ordering::Relaxed);
        }
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_elapsed_time_then_an_estimate() {
        let start = progress_line(1, 4, Duration::from_millis(300));
        assert_eq!(
            start,
            "[=======                       ] 1/4 briefings  0:00 elapsed"
        );
        let later = progress_line(3, 4, Duration::from_secs(90));
        assert!(
            later.ends_with("3/4 briefings  1:30 elapsed, about 0:30 left"),
            "{later}"
        );
        let done = progress_line(4, 4, Duration::from_secs(3725));
        assert!(done.ends_with("4/4 briefings  1:02:05 elapsed"), "{done}");
    }
}
