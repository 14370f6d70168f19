//! The terminal UI that `hipaa-migrate [DIR]` opens: phases, systems, vendors, waves and
//! findings of one inventory, with validations recorded in its journal.
//!
//! The state lives in [`app::App`], which has no terminal code. This module runs the
//! loop around it: terminal events, file changes and signals become actions, and the screen
//! is redrawn after each change. The loop is a `tokio::select!` on one thread over the
//! crossterm event stream, the file watcher's channel, a tick that ends the reload debounce,
//! and the termination signals.

pub mod action;
pub mod app;
pub mod dialog;
pub mod example;
pub mod keymap;
pub mod logging;
pub mod rows;
pub mod snapshot;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod views;
pub mod watch;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use futures::StreamExt;
use ratatui::crossterm::event::EventStream;
use tokio::time::Instant;

use crate::model::CivilDate;
use action::Action;
use app::{App, Status};
use terminal::{TerminalGuard, Tui};
use theme::Theme;

/// How long the inventory folder must stay quiet after a change before the TUI reloads, so
/// an editor's save, which can touch a file several times, causes one reload.
const RELOAD_DEBOUNCE: Duration = Duration::from_millis(300);

/// How often the loop checks whether a debounced reload is due.
const TICK: Duration = Duration::from_millis(100);

/// Options of `hipaa-migrate [DIR]`.
#[derive(Clone, Debug)]
pub struct Options {
    /// Inventory folder; `None` chooses the current folder or the bundled example.
    pub dir: Option<PathBuf>,
    /// Date to treat as today.
    pub as_of: CivilDate,
    /// Whether `--log` was given.
    pub log: bool,
}

/// Runs the TUI until the user quits or a signal ends it, restoring the terminal on every
/// way out. Call [`terminal::check_interactive`] first.
///
/// Returns the exit status for the process: 0 when the user quit, and 128 plus the signal's
/// number when a signal ended the TUI, as shells report a process killed by that signal.
///
/// # Errors
/// Fails when the example cannot be unpacked, logging cannot start, or the terminal fails;
/// the terminal is restored before this returns.
pub fn run(options: Options) -> Result<u8> {
    let dir = example::choose_inventory(options.dir)?;
    let env = std::env::var(logging::ENV).ok();
    let _log = match logging::level(options.log, env.as_deref()) {
        Some(level) => {
            let data_dir = example::data_dir()
                .context("logging needs a home folder to keep its log file in")?;
            Some(logging::start(&data_dir, level)?)
        }
        None => None,
    };

    let mut app = App::new(dir, options.as_of);
    app.theme = Theme::from_env();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the event loop")?;

    terminal::install_panic_hook();
    let mut guard = TerminalGuard::enter().context("cannot set up the terminal")?;
    tracing::info!("terminal set up");
    let result = runtime.block_on(event_loop(&mut guard.terminal, &mut app));
    drop(guard);
    tracing::info!(ok = result.is_ok(), "terminal restored");
    result
}

/// Draws, then applies events until the app quits, the event stream ends or a termination
/// signal arrives. Returns the exit status, as [`run`] describes it.
async fn event_loop(terminal: &mut Tui, app: &mut App) -> Result<u8> {
    let size = terminal.size()?;
    app.update(Action::Resize {
        width: size.width,
        height: size.height,
    });

    let (_watcher, mut changes) = match watch::watch(&app.dir) {
        Ok((watcher, changes)) => (Some(watcher), changes),
        Err(error) => {
            tracing::warn!(%error, "cannot watch the inventory folder");
            app.status = Some(Status {
                text: format!("changes will not reload by themselves ({error}); Ctrl-r reloads"),
                error: true,
            });
            (None, tokio::sync::mpsc::unbounded_channel().1)
        }
    };
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    let mut signals = signals::Signals::new()?;
    let mut reload_at: Option<Instant> = None;

    terminal.draw(|frame| ui::draw(frame, app))?;
    loop {
        let mut redraw = false;
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => {
                    if let Some(action) = keymap::action_for_event(&app.modes(), &event) {
                        app.update(action);
                        redraw = true;
                    }
                }
                Some(Err(error)) => return Err(error).context("cannot read terminal events"),
                None => break,
            },
            Some(()) = changes.recv() => reload_at = Some(Instant::now() + RELOAD_DEBOUNCE),
            _ = tick.tick() => {
                if reload_at.is_some_and(|due| Instant::now() >= due) {
                    reload_at = None;
                    tracing::debug!("inventory folder changed");
                    app.update(Action::FilesChanged);
                    redraw = true;
                }
            }
            (name, status) = signals.recv() => {
                tracing::info!(signal = name, "exiting on signal");
                return Ok(status);
            }
        }
        if app.should_quit {
            break;
        }
        if redraw {
            terminal.draw(|frame| ui::draw(frame, app))?;
        }
    }
    Ok(0)
}

#[cfg(unix)]
mod signals {
    //! The signals that end the TUI cleanly: SIGTERM, SIGHUP, SIGINT and SIGQUIT. In raw mode
    //! Ctrl-C and `Ctrl-\` arrive as keys, so SIGINT and SIGQUIT come only from another
    //! process.

    use std::io;

    use tokio::signal::unix::{Signal, SignalKind, signal};

    pub struct Signals {
        terminate: Signal,
        hangup: Signal,
        interrupt: Signal,
        quit: Signal,
    }

    impl Signals {
        pub fn new() -> io::Result<Self> {
            Ok(Signals {
                terminate: signal(SignalKind::terminate())?,
                hangup: signal(SignalKind::hangup())?,
                interrupt: signal(SignalKind::interrupt())?,
                quit: signal(SignalKind::quit())?,
            })
        }

        /// Waits for one of the signals and returns its name and the exit status that reports
        /// it: 128 plus the signal's number, which the POSIX `kill` utility fixes for these four.
        pub async fn recv(&mut self) -> (&'static str, u8) {
            tokio::select! {
                _ = self.terminate.recv() => ("SIGTERM", 128 + 15),
                _ = self.hangup.recv() => ("SIGHUP", 128 + 1),
                _ = self.interrupt.recv() => ("SIGINT", 128 + 2),
                _ = self.quit.recv() => ("SIGQUIT", 128 + 3),
            }
        }
    }
}

#[cfg(not(unix))]
mod signals {
    //! Ctrl-C from the console, the one termination signal other platforms share.

    use std::io;

    pub struct Signals;

    impl Signals {
        pub fn new() -> io::Result<Self> {
            Ok(Signals)
        }

        /// Waits for Ctrl-C and returns its name and the exit status that reports it, the
        /// same as for SIGINT on Unix.
        pub async fn recv(&mut self) -> (&'static str, u8) {
            let _ = tokio::signal::ctrl_c().await;
            ("Ctrl-C", 128 + 2)
        }
    }
}
