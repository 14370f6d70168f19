//! The real binary in a real terminal: tmux runs `hipaa-migrate`, keys are sent to it and the
//! screen is read back.
//!
//! Each test starts its own tmux server on a private socket and removes it at the end. Without
//! tmux the tests are skipped with a message, except in CI (`CI` set), where they fail, so a
//! CI machine without tmux cannot pass silently.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use hipaa_migrate::journal::Journal;

const BINARY: &str = env!("CARGO_BIN_EXE_hipaa-migrate");
const TIMEOUT: Duration = Duration::from_secs(20);
const PROMPT: &str = "e2e-shell$";

/// Returns whether the tests may run: tmux is installed. Panics in CI when it is not.
fn tmux_ready() -> bool {
    let installed = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|output| output.status.success());
    if installed {
        return true;
    }
    let in_ci = std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false");
    assert!(
        !in_ci,
        "tmux is not installed, and CI is set: install tmux (apt-get install -y tmux) before \
         running the tests"
    );
    eprintln!("skipping the tmux end-to-end test: tmux is not installed");
    false
}

/// A tmux server of its own, with one window of a fixed size.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts a server on a private socket running `command` in a window of the given size.
    fn start(name: &str, width: u16, height: u16, command: &str) -> Tmux {
        let socket = format!("hipaa-migrate-e2e-{name}-{}", std::process::id());
        let tmux = Tmux { socket };
        let (width, height) = (width.to_string(), height.to_string());
        tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            &width,
            "-y",
            &height,
            command,
        ]);
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            output.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Sends tmux key names, such as `Enter` or `C-s`.
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "main"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Types text literally.
    fn text(&self, text: &str) {
        self.run(&["send-keys", "-t", "main", "-l", text]);
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "main"])
    }

    fn display(&self, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", "main", format])
            .trim()
            .to_owned()
    }

    /// Waits until the screen shows `text`, and returns the screen; panics with the last
    /// screen after the timeout.
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "timed out waiting for {text:?}; the screen was:\n{screen}"
            );
            sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn scratch_inventory(root: &Path) -> PathBuf {
    let dir = root.join("riverbend");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("inventories/riverbend"),
        &dir,
    );
    dir
}

/// Quotes a value for the POSIX shell inside the tmux pane.
fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[test]
fn session_validates_and_restores_terminal() {
    if !tmux_ready() {
        return;
    }
    let temp = tempfile::tempdir().expect("temporary folder");
    let dir = scratch_inventory(temp.path());
    let home = temp.path().join("home");
    fs::create_dir_all(&home).expect("home folder");

    let shell = format!("env PS1={} bash --norc --noprofile", quote(PROMPT));
    let tmux = Tmux::start("session", 120, 36, &shell);
    tmux.wait_for(PROMPT);
    let command = format!(
        "env HOME={} USER=e2e-tester TERM=xterm-256color {} {} --as-of 2026-12-04 --log",
        quote(&home.display().to_string()),
        quote(BINARY),
        quote(&dir.display().to_string())
    );
    tmux.text(&command);
    tmux.keys(&["Enter"]);

    tmux.wait_for("Checklist of phase 1 (94)");
    assert_eq!(tmux.display("#{alternate_on}"), "1");
    tmux.keys(&["2"]);
    tmux.wait_for("Systems (30)");
    tmux.keys(&["3"]);
    tmux.wait_for("Vendors (15)");
    tmux.keys(&["4"]);
    tmux.wait_for("Phase 3: low-risk workloads");
    tmux.keys(&["5"]);
    tmux.wait_for("Findings: 7 blockers, 2 warnings");
    tmux.keys(&["Tab"]);
    tmux.wait_for("Checklist of phase 1 (94)");

    tmux.keys(&["2", "/"]);
    tmux.text("clinical");
    tmux.wait_for("Systems (6 of 30) /clinical");
    tmux.keys(&["Enter", "Escape"]);
    tmux.wait_for("Systems (30)");

    tmux.run(&["resize-window", "-t", "main", "-x", "20", "-y", "5"]);
    tmux.wait_for("need 60x16");
    tmux.run(&["resize-window", "-t", "main", "-x", "120", "-y", "36"]);
    tmux.wait_for("Systems (30)");

    tmux.keys(&["1", "Enter"]);
    tmux.wait_for("Validate data-inventory for project");
    tmux.text("Data dictionary DD-7 reviewed in tmux");
    tmux.keys(&["C-s"]);
    tmux.wait_for("recorded journal.jsonl line 1");

    tmux.keys(&["q"]);
    let screen = tmux.wait_for(PROMPT);
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "0",
        "the alternate screen is still on:\n{screen}"
    );

    let journal = Journal::open(&dir).expect("journal");
    assert_eq!(journal.entries().len(), 1);
    let entry = &journal.entries()[0].body;
    assert_eq!(entry.control, "data-inventory");
    assert_eq!(entry.evidence, "Data dictionary DD-7 reviewed in tmux");
    assert_eq!(entry.by, "e2e-tester");
    let verify = Command::new(BINARY)
        .args(["journal", "verify"])
        .arg(&dir)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "journal verify: {stdout}");
    assert!(stdout.contains("chain intact"), "{stdout}");

    let log = home.join(".local/share/hipaa-migrate/logs/hipaa-migrate.log");
    let log = fs::read_to_string(&log).expect("log written");
    assert!(log.contains("validation recorded"), "{log}");
    assert!(!log.contains("DD-7"), "the log holds evidence text:\n{log}");
    assert!(
        !log.contains("e2e-tester"),
        "the log holds the user name:\n{log}"
    );
}

/// Returns the pid of the one child of `parent`, waiting for it to appear.
fn child_of(parent: &str) -> String {
    let path = format!("/proc/{parent}/task/{parent}/children");
    let start = Instant::now();
    loop {
        let children = fs::read_to_string(&path).unwrap_or_default();
        if let Some(child) = children.split_whitespace().next() {
            return child.to_owned();
        }
        assert!(start.elapsed() < TIMEOUT, "no child of {parent} appeared");
        sleep(Duration::from_millis(100));
    }
}

#[test]
fn sigterm_restores_terminal_and_example_opens() {
    signal_restores_terminal("TERM", 143);
}

#[test]
fn sigquit_restores_terminal() {
    signal_restores_terminal("QUIT", 131);
}

/// Opens the bundled example in a tmux pane, sends the TUI `signal`, and checks that it exits
/// with `code` and leaves the alternate screen.
fn signal_restores_terminal(signal: &str, code: u8) {
    if !tmux_ready() || !Path::new("/proc/self/task").exists() {
        return;
    }
    let temp = tempfile::tempdir().expect("temporary folder");
    let home = temp.path().join("home");
    let empty = temp.path().join("empty");
    fs::create_dir_all(&home).expect("home folder");
    fs::create_dir_all(&empty).expect("empty folder");

    // No folder argument and no project.yaml here: the bundled example opens.
    let command = format!(
        "cd {} && env HOME={} TERM=xterm-256color {} --as-of 2026-12-04; echo \"exit $?\"; \
         sleep 30",
        quote(&empty.display().to_string()),
        quote(&home.display().to_string()),
        quote(BINARY),
    );
    let session = format!("signal-{}", signal.to_lowercase());
    let tmux = Tmux::start(&session, 120, 36, &format!("sh -c {}", quote(&command)));
    let screen = tmux.wait_for("Checklist of phase 1 (94)");
    assert!(
        screen.contains("examples/riverbend"),
        "the header names the example:\n{screen}"
    );
    let example = home.join(".local/share/hipaa-migrate/examples/riverbend/project.yaml");
    assert!(example.is_file(), "{} is missing", example.display());

    let shell = tmux.display("#{pane_pid}");
    let inner_shell = child_of(&shell);
    // `sh -c` may run the binary itself or through the inner shell of `&&`.
    let binary = if fs::read_to_string(format!("/proc/{inner_shell}/cmdline"))
        .is_ok_and(|cmdline| cmdline.contains("hipaa-migrate"))
    {
        inner_shell
    } else {
        child_of(&inner_shell)
    };
    let killed = Command::new("kill")
        .args([format!("-{signal}").as_str(), &binary])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let screen = tmux.wait_for(&format!("exit {code}"));
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "0",
        "the alternate screen is still on:\n{screen}"
    );
}
