//! A one-line progress counter on stderr for long walks, shown only when stderr is a
//! terminal, so that logs and pipes never see it.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Redraws at most this often: a 7,000-briefing archive would otherwise spend its time
/// drawing.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    total: usize,
    done: usize,
    last_drawn: Option<Instant>,
}

impl Progress {
    pub fn new(total: usize) -> Self {
        Progress {
            enabled: std::io::stderr().is_terminal() && total > 1,
            total,
            done: 0,
            last_drawn: None,
        }
    }

    /// One more briefing done.
    pub fn tick(&mut self) {
        self.done += 1;
        if !self.enabled {
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
        let width = 30;
        let filled = width * self.done / self.total.max(1);
        let mut stderr = std::io::stderr().lock();
        // Progress is a courtesy: a failed write to the terminal must not stop the walk.
        let _ = write!(
            stderr,
            "\r[{}{}] {}/{} briefings",
            "=".repeat(filled),
            " ".repeat(width - filled),
            self.done,
            self.total
        );
        let _ = stderr.flush();
    }

    /// Clears the line before the final output.
    pub fn finish(&mut self) {
        if self.enabled && self.last_drawn.is_some() {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r{:width$}\r", "", width = 60);
            let _ = stderr.flush();
        }
    }
}
