//! Watching the inventory folder, so the TUI reloads when a file changes.
//!
//! The watcher reports every change to an inventory file (`*.yaml`, `*.yml`) or the journal
//! on a channel; the run loop waits for the changes to settle before it reloads.

use std::path::Path;

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::journal;

/// Returns whether a change to `path` can change what the TUI shows.
pub fn is_inventory_file(path: &Path) -> bool {
    let yaml = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml"));
    yaml || path
        .file_name()
        .is_some_and(|name| name == journal::FILE_NAME)
}

fn is_relevant(event: &Event) -> bool {
    !matches!(event.kind, EventKind::Access(_))
        && event.paths.iter().any(|path| is_inventory_file(path))
}

/// Starts watching `dir` and its subfolders. Keep the watcher alive for as long as changes
/// should arrive on the receiver.
///
/// # Errors
/// Fails when the platform's watcher cannot be created or the folder cannot be watched.
pub fn watch(dir: &Path) -> notify::Result<(RecommendedWatcher, UnboundedReceiver<()>)> {
    let (sender, receiver) = unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<Event>| {
        match result {
            Ok(event) if is_relevant(&event) => {
                // The receiver is gone only when the TUI is exiting.
                let _ = sender.send(());
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "file watcher reported an error"),
        }
    })?;
    watcher.watch(dir, RecursiveMode::Recursive)?;
    Ok((watcher, receiver))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inventory_files_are_recognised() {
        assert!(is_inventory_file(Path::new("inv/systems/a.yaml")));
        assert!(is_inventory_file(Path::new("inv/VENDORS.YML")));
        assert!(is_inventory_file(Path::new("inv/journal.jsonl")));
        assert!(!is_inventory_file(Path::new("inv/exports/phase-1-plan.md")));
        assert!(!is_inventory_file(Path::new("inv/.systems.yaml.swp")));
    }
}
