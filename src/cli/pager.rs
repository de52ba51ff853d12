//! Where the output goes: standard output, or a pager when it is a terminal, as git and
//! delta do.
//!
//! `diff`, `log`, `history` and `audit` page by default (`--paging auto`) when stdout is
//! a terminal; `--paging always` pages any command, even into a pipe; `--paging never`
//! and `--no-pager` never page. The pager is `$BRIEFDIFF_PAGER`, else `$PAGER`, else
//! `less`; an empty value or `cat` means no pager (git's rule). `less` gets `LESS=FRX`
//! when `LESS` is unset, as git sets it: `-F` quits at once when the output fits on one
//! screen, `-R` shows colours, `-X` leaves the text on the screen after quitting; plain
//! `less` (the default, or `PAGER=less`) also gets `-R`, so colours survive a `LESS`
//! of the user's own, as bat and delta pass it. A pager command with arguments or
//! shell syntax runs through `sh -c`, as git runs it.
//!
//! A pager that quits before the end (the user pressed `q`) closes its input: the next
//! write fails as a closed pipe does and the run ends quietly. While a pager draws on the
//! terminal, warnings meant for that terminal are held and printed when it closes, and
//! no progress line is drawn: either would be painted over the pager's screen.
//!
//! Ctrl-C (or `Ctrl-\`) reaches the pager and briefdiff alike. `less` stays and shows what
//! it has; briefdiff, as git does, waits until the pager has quit and only then ends by
//! that signal. Ending at once would give the terminal back to the shell while `less`
//! still draws on it.

use std::ffi::OsString;
use std::io::{self, BufWriter, IsTerminal, StdoutLock, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use clap::ValueEnum;

use super::args::{Cli, Command as Subcommand};
use super::progress::{self, Clearing};

/// `--paging`: when to page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Paging {
    /// Page `diff`, `log`, `history` and `audit` when stdout is a terminal
    Auto,
    /// Page any command, even when stdout is not a terminal
    Always,
    /// Never page
    Never,
}

/// The command's output: standard output, or the input of a pager.
pub struct Output {
    sink: Sink,
}

enum Sink {
    Stdout(BufWriter<Clearing<StdoutLock<'static>>>),
    Pager {
        /// `None` once closed, so that the pager sees the end of its input.
        input: Option<BufWriter<ChildStdin>>,
        exit: Arc<PagerExit>,
    },
}

/// Set once a pager that was started has ended.
static QUIT: AtomicBool = AtomicBool::new(false);

/// Whether a pager showed the output and the user has quit it: the work meant for it can
/// stop.
pub fn has_quit() -> bool {
    QUIT.load(Ordering::SeqCst)
}

/// Whether the pager has quit, told by the thread that waits for it.
#[derive(Default)]
struct PagerExit {
    quit: Mutex<bool>,
    changed: Condvar,
    /// The interrupt received (its signal number), set by the signal handler itself, so
    /// that a run whose pager quits at the same time still ends by it.
    interrupted: Arc<AtomicUsize>,
}

impl PagerExit {
    /// Waits for `child` on a thread of its own, so that both the end of the run and an
    /// interrupt can wait for the pager.
    fn watch(self: &Arc<PagerExit>, mut child: Child) {
        let told = Arc::clone(self);
        std::thread::spawn(move || {
            let _ = child.wait();
            told.pager_ended();
        });
    }

    /// Ends the process by the interrupt received, if one was (after printing the
    /// warnings held for the pager's time on the terminal).
    fn end_if_interrupted(&self) {
        let signal = self.interrupted.load(Ordering::SeqCst);
        let Ok(signal) = i32::try_from(signal) else {
            return;
        };
        if signal == 0 {
            return;
        }
        release_warnings();
        #[cfg(unix)]
        let _ = signal_hook::low_level::emulate_default_handler(signal);
        std::process::exit(128 + signal);
    }

    fn set_quit(&self) {
        *self.quit.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.changed.notify_all();
    }

    /// The pager process has ended (the user quit it), told once it has.
    fn pager_ended(&self) {
        QUIT.store(true, Ordering::SeqCst);
        self.set_quit();
    }

    fn wait(&self) {
        let mut quit = self.quit.lock().unwrap_or_else(PoisonError::into_inner);
        while !*quit {
            quit = self
                .changed
                .wait(quit)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// From now on, Ctrl-C and `Ctrl-\` end the run only once the pager has quit, by the same
/// signal (see the module's comment). Without a handler the run goes on as it was.
#[cfg(unix)]
fn end_after_the_pager_on_interrupt(exit: &Arc<PagerExit>) {
    use signal_hook::consts::{SIGINT, SIGQUIT};
    for signal in [SIGINT, SIGQUIT] {
        let Ok(number) = usize::try_from(signal) else {
            continue;
        };
        let _ = signal_hook::flag::register_usize(signal, Arc::clone(&exit.interrupted), number);
    }
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGQUIT]) else {
        return;
    };
    let exit = Arc::clone(exit);
    // While the run goes on (a long walk may write nothing for a while), this thread
    // ends it as soon as the pager has quit.
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            exit.wait();
            exit.end_if_interrupted();
        }
    });
}

#[cfg(not(unix))]
fn end_after_the_pager_on_interrupt(_: &Arc<PagerExit>) {}

impl Output {
    /// Standard output, or a pager when the command line and the terminal call for one
    /// and it starts. A pager that cannot be started is a warning, and the output goes to
    /// standard output (git does the same).
    pub fn open(cli: &Cli) -> Output {
        let stdout_is_terminal = io::stdout().is_terminal();
        let paging = if cli.no_pager {
            Paging::Never
        } else {
            cli.paging
        };
        if should_page(paging, pages_by_default(&cli.command), stdout_is_terminal)
            && let Some(command) = pager_command(
                std::env::var_os("BRIEFDIFF_PAGER"),
                std::env::var_os("PAGER"),
            )
        {
            // The handler comes first, so that no interrupt finds the pager started and
            // briefdiff still without it; with no pager after all, nothing is waited for.
            let exit = Arc::new(PagerExit::default());
            end_after_the_pager_on_interrupt(&exit);
            match spawn(&command) {
                Ok(mut child) => {
                    if let Some(stdin) = child.stdin.take() {
                        progress::forbid();
                        if io::stderr().is_terminal() {
                            hold_warnings();
                        }
                        exit.watch(child);
                        return Output {
                            sink: Sink::Pager {
                                input: Some(BufWriter::new(stdin)),
                                exit,
                            },
                        };
                    }
                }
                Err(error) => super::warn(format!(
                    "cannot run pager `{command}`: {error}; the output comes here unpaged (set \
                     BRIEFDIFF_PAGER or PAGER to one that runs, or pass --no-pager)"
                )),
            }
            exit.set_quit();
        }
        let shares_terminal = stdout_is_terminal && io::stderr().is_terminal();
        Output {
            sink: Sink::Stdout(BufWriter::new(Clearing::new(
                io::stdout().lock(),
                shares_terminal,
            ))),
        }
    }

    /// Flushes the output; with a pager, closes its input and waits until the user quits
    /// it, then prints the warnings held back meanwhile. Errors of a pager that is gone
    /// are nobody's concern: the report was written, or the user chose not to read it.
    pub fn finish(&mut self) {
        match &mut self.sink {
            Sink::Stdout(out) => {
                let _ = out.flush();
            }
            Sink::Pager { input, exit } => {
                if let Some(mut input) = input.take() {
                    let _ = input.flush();
                }
                exit.wait();
                exit.end_if_interrupted();
                release_warnings();
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Stdout(out) => out.write(buf),
            Sink::Pager { input, .. } => match input {
                Some(input) => input.write(buf),
                None => Err(io::ErrorKind::BrokenPipe.into()),
            },
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(out) => out.flush(),
            Sink::Pager { input, .. } => match input {
                Some(input) => input.flush(),
                None => Ok(()),
            },
        }
    }
}

/// The commands whose reports run long enough to page by default: the ones git users
/// read in `git diff` and `git log`.
fn pages_by_default(command: &Subcommand) -> bool {
    matches!(
        command,
        Subcommand::Diff(_) | Subcommand::Log(_) | Subcommand::History(_) | Subcommand::Audit(_)
    )
}

fn should_page(paging: Paging, pages_by_default: bool, stdout_is_terminal: bool) -> bool {
    match paging {
        Paging::Never => false,
        Paging::Always => true,
        Paging::Auto => pages_by_default && stdout_is_terminal,
    }
}

/// `$BRIEFDIFF_PAGER`, else `$PAGER`, else `less`; `None` for an empty value or `cat`.
fn pager_command(briefdiff_pager: Option<OsString>, pager: Option<OsString>) -> Option<String> {
    let command = briefdiff_pager.or(pager).map_or_else(
        || "less".to_string(),
        |value| value.to_string_lossy().trim().to_string(),
    );
    (!command.is_empty() && command != "cat").then_some(command)
}

/// Characters that make a pager command need a shell (git's list, plus whitespace for
/// arguments).
const SHELL_SYNTAX: &str = "|&;<>()$`\\\"'*?[#~=%";

/// The process for `command`, its input piped from here.
fn pager_process(command: &str, less_unset: bool, lv_unset: bool) -> Command {
    let mut process = if command == "less" {
        let mut less = Command::new("less");
        less.arg("-R");
        less
    } else if command
        .chars()
        .any(|ch| ch.is_whitespace() || SHELL_SYNTAX.contains(ch))
    {
        let mut shell = Command::new("sh");
        shell.arg("-c").arg(command);
        shell
    } else {
        Command::new(command)
    };
    if less_unset {
        process.env("LESS", "FRX");
    }
    if lv_unset {
        process.env("LV", "-c");
    }
    process.stdin(Stdio::piped());
    process
}

fn spawn(command: &str) -> io::Result<Child> {
    pager_process(
        command,
        std::env::var_os("LESS").is_none(),
        std::env::var_os("LV").is_none(),
    )
    .spawn()
}

/// Warnings held while a pager owns the terminal; `None` when they are printed at once.
static HELD: Mutex<Option<Vec<String>>> = Mutex::new(None);

fn hold_warnings() {
    *HELD.lock().unwrap_or_else(PoisonError::into_inner) = Some(Vec::new());
}

/// Holds `line` for later when a pager is showing the output on the terminal; false when
/// it should be printed now.
pub fn hold(line: &str) -> bool {
    match HELD.lock().unwrap_or_else(PoisonError::into_inner).as_mut() {
        Some(held) => {
            held.push(line.to_string());
            true
        }
        None => false,
    }
}

/// Prints the held warnings, in order, and stops holding.
fn release_warnings() {
    let held = HELD.lock().unwrap_or_else(PoisonError::into_inner).take();
    let mut stderr = io::stderr().lock();
    for line in held.unwrap_or_default() {
        let _ = writeln!(stderr, "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_pages_the_long_reports_on_a_terminal_only() {
        assert!(should_page(Paging::Auto, true, true));
        assert!(!should_page(Paging::Auto, true, false));
        assert!(!should_page(Paging::Auto, false, true));
        assert!(should_page(Paging::Always, false, false));
        assert!(!should_page(Paging::Never, true, true));
    }

    #[test]
    fn briefdiff_pager_wins_then_pager_then_less() {
        let os = |text: &str| Some(OsString::from(text));
        assert_eq!(
            pager_command(os("most"), os("more")).as_deref(),
            Some("most")
        );
        assert_eq!(pager_command(None, os("more")).as_deref(), Some("more"));
        assert_eq!(pager_command(None, None).as_deref(), Some("less"));
        // Empty or `cat`: no pager, and an empty BRIEFDIFF_PAGER overrides PAGER.
        assert_eq!(pager_command(os(""), os("more")), None);
        assert_eq!(pager_command(None, os(" cat ")), None);
    }

    #[test]
    fn less_gets_raw_colours_and_git_defaults() {
        let less = pager_process("less", true, true);
        assert_eq!(less.get_program(), "less");
        assert_eq!(less.get_args().collect::<Vec<_>>(), ["-R"]);
        let envs: Vec<_> = less.get_envs().collect();
        assert!(
            envs.contains(&("LESS".as_ref(), Some("FRX".as_ref()))),
            "{envs:?}"
        );
        // A LESS of the user's own is left alone.
        let theirs = pager_process("less", false, false);
        assert_eq!(theirs.get_envs().count(), 0);
        // Arguments go through the shell, as git runs them.
        let with_args = pager_process("less -S", true, true);
        assert_eq!(with_args.get_program(), "sh");
        assert_eq!(with_args.get_args().collect::<Vec<_>>(), ["-c", "less -S"]);
        assert_eq!(pager_process("most", true, true).get_program(), "most");
    }
}
