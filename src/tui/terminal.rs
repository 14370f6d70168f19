//! Terminal setup and restore: raw mode, the alternate screen, mouse capture and bracketed
//! paste, undone on every way out.
//!
//! [`TerminalGuard`] restores on drop, which covers normal returns and errors, and
//! [`install_panic_hook`] restores before the panic message prints, so the message lands on
//! the normal screen. Restoring twice is harmless.

use std::io::{self, IsTerminal, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// Whether the terminal is in the TUI's modes, so restoring knows whether there is anything
/// to undo.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The terminal the TUI draws on.
pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Checks that the TUI can run here: standard output is a terminal and `TERM` is not
/// `dumb`.
///
/// # Errors
/// Returns a one-line message naming the subcommand to use instead.
pub fn check_interactive() -> Result<(), String> {
    let dumb = std::env::var("TERM").is_ok_and(|term| term == "dumb");
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() || dumb {
        return Err(
            "hipaa-migrate: the interactive view needs a terminal (standard input and output \
             are not one, or TERM=dumb); run `hipaa-migrate check DIR` for a report instead"
                .to_owned(),
        );
    }
    Ok(())
}

/// Owns the terminal while the TUI runs, and restores it when dropped.
pub struct TerminalGuard {
    /// The terminal to draw on.
    pub terminal: Tui,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen, and turns on mouse capture and bracketed
    /// paste.
    ///
    /// # Errors
    /// Fails when the terminal rejects a mode; whatever was already set is restored.
    pub fn enter() -> io::Result<Self> {
        ACTIVE.store(true, Ordering::SeqCst);
        let setup = || -> io::Result<Tui> {
            enable_raw_mode()?;
            execute!(
                io::stdout(),
                EnterAlternateScreen,
                EnableMouseCapture,
                EnableBracketedPaste
            )?;
            let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
            terminal.clear()?;
            Ok(terminal)
        };
        match setup() {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(error) => {
                restore();
                Err(error)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves the TUI's terminal modes, if they are on. Errors are ignored: nothing better can
/// be done with a terminal that does not take the commands.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = disable_raw_mode();
    let mut stdout = io::stdout();
    let _ = execute!(
        stdout,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        Show
    );
    let _ = stdout.flush();
}

/// Installs a panic hook that restores the terminal, then runs the previous hook, which
/// prints the panic message.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
