//! Benchmarks of the terminal UI on a 200x60 test backend, on generated estates of 1,000,
//! 10,000 and 100,000 systems: one frame of each view, and a key press through the keymap
//! and `App::update` to the next frame.
//!
//! Each estate is written to a temporary folder by `hipaa_migrate::synthetic`, with a journal
//! in which phase 1 is about half validated, and opened once with `App::new`, which loads,
//! analyses and gates it. Frames are drawn with `Terminal::draw`, so each includes ratatui's
//! diff against the previous frame. The test backend only stores the cells, so no time goes to
//! writing escape codes to a real terminal.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, criterion_group, criterion_main};
use hipaa_migrate::model::CivilDate;
use hipaa_migrate::synthetic::{self, Shape};
use hipaa_migrate::tui::action::{Action, View};
use hipaa_migrate::tui::app::App;
use hipaa_migrate::tui::{keymap, ui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tempfile::TempDir;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;

/// A generated estate opened in the TUI, with a terminal of the benchmark's size.
struct Screen {
    /// Keeps the folder, which contains the inventory and journal the app reads, until the end.
    _folder: TempDir,
    systems: usize,
    app: App,
    terminal: Terminal<TestBackend>,
}

impl Screen {
    fn open(systems: usize) -> Screen {
        let folder = tempfile::tempdir().expect("create a temporary folder");
        let shape = Shape::with_systems(systems);
        synthetic::write_inventory(folder.path(), shape).expect("write the generated inventory");
        synthetic::write_journal(folder.path(), shape).expect("write the generated journal");
        let as_of = CivilDate::parse("2026-12-04").expect("the literal is a valid date");
        let mut app = App::new(folder.path(), as_of);
        assert!(
            app.snapshot().is_some(),
            "the generated inventory of {systems} systems did not load"
        );
        app.update(Action::Resize {
            width: WIDTH,
            height: HEIGHT,
        });
        let terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("create a terminal");
        Screen {
            _folder: folder,
            systems,
            app,
            terminal,
        }
    }

    fn draw(&mut self) {
        let app = &self.app;
        let frame = self
            .terminal
            .draw(|frame| ui::draw(frame, app))
            .expect("the test backend draws");
        black_box(frame);
    }

    /// Presses a key as the event loop does: through the keymap of the current modes.
    fn press(&mut self, code: KeyCode) {
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        if let Some(action) = keymap::action_for_key(&self.app.modes(), &key) {
            self.app.update(action);
        }
    }
}

fn frame(group: &mut BenchmarkGroup<'_, WallTime>, screen: &mut Screen, view: View) {
    screen.app.update(Action::ShowView(view));
    screen.draw();
    let name = format!("frame_{}", view_name(view));
    group.bench_function(BenchmarkId::new(name, screen.systems), |bencher| {
        bencher.iter(|| screen.draw());
    });
}

fn view_name(view: View) -> &'static str {
    match view {
        View::Phases => "phases",
        View::Systems => "systems",
        View::Vendors => "vendors",
        View::Waves => "waves",
        View::Findings => "findings",
    }
}

/// Measures a key press and the frame after it. Each iteration presses one of the two keys
/// in turn, so the state does not run off the end of a list. With Tab for both keys it cycles
/// through the five views.
fn key_pair(
    group: &mut BenchmarkGroup<'_, WallTime>,
    screen: &mut Screen,
    name: &str,
    keys: [KeyCode; 2],
) {
    let mut turn = 0;
    group.bench_function(BenchmarkId::new(name, screen.systems), |bencher| {
        bencher.iter(|| {
            screen.press(keys[turn % 2]);
            turn += 1;
            screen.draw();
        });
    });
}

fn key_down(group: &mut BenchmarkGroup<'_, WallTime>, screen: &mut Screen) {
    screen.app.update(Action::ShowView(View::Systems));
    key_pair(
        group,
        screen,
        "key_down_systems",
        [KeyCode::Down, KeyCode::Up],
    );
}

fn key_next_view(group: &mut BenchmarkGroup<'_, WallTime>, screen: &mut Screen) {
    screen.app.update(Action::ShowView(View::Systems));
    key_pair(group, screen, "key_next_view", [KeyCode::Tab, KeyCode::Tab]);
}

/// Measures typing into the systems filter, where each key filters every row again.
fn key_filter(group: &mut BenchmarkGroup<'_, WallTime>, screen: &mut Screen) {
    screen.app.update(Action::ShowView(View::Systems));
    screen.press(KeyCode::Char('/'));
    key_pair(
        group,
        screen,
        "key_filter_systems",
        [KeyCode::Char('7'), KeyCode::Backspace],
    );
    screen.press(KeyCode::Esc);
}

/// Runs each benchmark at every size in turn before the next benchmark. The sizes of one
/// benchmark are then measured seconds apart, so a slow spell of the machine is less likely to
/// fall on one size only and skew the ratio between sizes.
fn tui(criterion: &mut Criterion) {
    let mut screens: Vec<Screen> = SIZES.into_iter().map(Screen::open).collect();
    let mut group = criterion.benchmark_group("tui");
    for view in View::ALL {
        for screen in &mut screens {
            frame(&mut group, screen, view);
        }
    }
    let keys: [fn(&mut BenchmarkGroup<'_, WallTime>, &mut Screen); 3] =
        [key_down, key_next_view, key_filter];
    for key in keys {
        for screen in &mut screens {
            key(&mut group, screen);
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));
    targets = tui
}
criterion_main!(benches);
