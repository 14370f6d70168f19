//! The terminal UI without a terminal: every view drawn into a test backend and compared line
//! by line, and interactions driven by key events through the keymap into `App::update`.
//!
//! Each test works on a scratch copy of `inventories/riverbend`, evaluated on 2026-12-04, so
//! the journal it writes is thrown away.

use std::fs;
use std::path::{Path, PathBuf};

use hipaa_migrate::journal::Journal;
use hipaa_migrate::model::CivilDate;
use hipaa_migrate::tui::action::{Action, View};
use hipaa_migrate::tui::app::{App, Overlay};
use hipaa_migrate::tui::keymap;
use hipaa_migrate::tui::theme::Theme;
use hipaa_migrate::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tempfile::TempDir;

const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;

fn as_of() -> CivilDate {
    CivilDate::parse("2026-12-04").expect("valid date")
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

/// Copies the example inventory into a scratch folder.
fn scratch() -> (TempDir, PathBuf) {
    let temp = tempfile::tempdir().expect("temporary folder");
    let dir = temp.path().join("riverbend");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("inventories/riverbend"),
        &dir,
    );
    (temp, dir)
}

fn open(dir: &Path) -> App {
    let mut app = App::new(dir, as_of());
    app.theme = Theme::new(false);
    "Dana Reyes".clone_into(&mut app.default_user);
    app.update(Action::Resize {
        width: WIDTH,
        height: HEIGHT,
    });
    app
}

/// Draws the app at its current size and returns the screen's lines with trailing spaces
/// removed and the scratch folder replaced by `DIR`.
fn screen(app: &App) -> Vec<String> {
    let mut terminal =
        Terminal::new(TestBackend::new(app.area.width, app.area.height)).expect("terminal");
    terminal.draw(|frame| ui::draw(frame, app)).expect("draws");
    let buffer = terminal.backend().buffer();
    let dir = app.dir.display().to_string();
    (0..buffer.area.height)
        .map(|y| {
            let line: String = (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            line.replace(&dir, "DIR").trim_end().to_owned()
        })
        .collect()
}

/// Compares screens line by line, printing the whole actual screen on a mismatch.
fn assert_screen(actual: &[String], expected: &[&str]) {
    let shown: Vec<String> = actual.iter().map(|line| format!("    {line:?},")).collect();
    assert_eq!(
        actual.len(),
        expected.len(),
        "screen has {} lines:\n{}",
        actual.len(),
        shown.join("\n")
    );
    for (number, (got, want)) in actual.iter().zip(expected).enumerate() {
        assert_eq!(
            got,
            want,
            "line {number} differs; the whole screen:\n{}",
            shown.join("\n")
        );
    }
}

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    let event = KeyEvent::new(code, modifiers);
    if let Some(action) = keymap::action_for_key(&app.modes(), &event) {
        app.update(action);
    }
}

fn press(app: &mut App, code: KeyCode) {
    key(app, code, KeyModifiers::NONE);
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn contains(screen: &[String], text: &str) -> bool {
    screen.iter().any(|line| line.contains(text))
}

#[test]
fn phases_view_renders() {
    let (_temp, dir) = scratch();
    let app = open(&dir);
    assert_screen(
        &screen(&app),
        &[
            " hipaa-migrate · Riverbend Health · AWS · as of 2026-12-04 · 0/422 items (0%) · 7 blockers · Data ce",
            " inventory DIR  journal DIR/journal.jsonl (0 entries)",
            " 1 Phases │ 2 Systems │ 3 Vendors and BAAs │ 4 Waves │ 5 Findings │",
            "┌ Phases ──────────────────────────────────────────────────────────────────────────────────────────┐",
            "│▶ 1 Map PHI and vendors                 open      0/94    ░░░░░░░░░░ 5 blockers  Privacy officer (│",
            "│  2 Design the landing zone             locked    0/58    ░░░░░░░░░░ 1 blocker   Cloud platform le│",
            "│  3 Move low-risk workloads first       locked    0/7     ░░░░░░░░░░             Cloud platform le│",
            "│  4 Validate controls and logging       locked    0/202   ░░░░░░░░░░ 1 blocker   Security officer │",
            "│  5 Migrate production ePHI and monitor locked    0/61    ░░░░░░░░░░             VP of engineering│",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "┌ Checklist of phase 1 (94) ───────────────────────────────────────────────────────────────────────┐",
            "│  Control                  Subject                  State          By        On         Evidence  │",
            "│▶ data-inventory           project                  open                                          │",
            "│  system-data-classified   system patient-app-api   open                                          │",
            "│  system-data-classified   system clinician-portal  open                                          │",
            "│  system-data-classified   system patient-identity  open                                          │",
            "│  system-data-classified   system workforce-identit open                                          │",
            "│  system-data-classified   system clinical-db       open                                          │",
            "│  system-data-classified   system appointment-sched open                                          │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "┌ Phase 1: Map PHI and vendors ────────────────────────────────────────────────────────────────────┐",
            "│data-inventory for project                                                                        │",
            "│Every data element the organisation handles is classified, and ePHI is marked                     │",
            "│How: Compare the data classes in systems.yaml with the data dictionary or schema of each system,  │",
            "│and confirm with each system owner that every field holding health information tied to a person is│",
            "│classified as ephi.                                                                               │",
            "│                                                                                                  │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "",
            " → phase  Enter validate  q quit  ? help  Tab next view  / filter  e export plan",
        ],
    );
}

#[test]
fn systems_view_renders() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Down);
    assert_screen(
        &screen(&app),
        &[
            " hipaa-migrate · Riverbend Health · AWS · as of 2026-12-04 · 0/422 items (0%) · 7 blockers · Data ce",
            " inventory DIR  journal DIR/journal.jsonl (0 entries)",
            " 1 Phases │ 2 Systems │ 3 Vendors and BAAs │ 4 Waves │ 5 Findings │",
            "┌ Systems (30) ────────────────────────────────────────────────────────────────────────────────────┐",
            "│  ID                  Name                Env         ePHI  Wave  Target services           Finds │",
            "│  patient-app-api     Patient mobile app  production  yes   5.3   Amazon API Gateway, Amazo 0     │",
            "│▶ clinician-portal    Clinician web porta production  yes   5.2   Amazon CloudFront, Amazon 2     │",
            "│  patient-identity    Patient sign-in (mo production  yes   5.1   Amazon Cognito, AWS Lambd 0     │",
            "│  workforce-identity  Workforce single si production        3.1   AWS IAM Identity Center   0     │",
            "│  clinical-db         Clinical database ( production  yes   5.1   Amazon Aurora, AWS Databa 0     │",
            "│  appointment-schedul Appointment schedul production  yes   5.2   Amazon Elastic Container  1     │",
            "│  patient-notificatio Patient reminders a production  yes   5.2   AWS Lambda, Amazon Simple 3     │",
            "│  clinical-events-bus Clinical event bus  production  yes   5.1   Amazon EventBridge, Amazo 0     │",
            "│  document-store      Patient document st production  yes   5.1   Amazon Simple Storage Ser 0     │",
            "│  central-logging     Central logging and production  yes   5.1   Amazon CloudWatch Logs, A 0     │",
            "│  backup-vault        Backup vaults       production  yes   5.1   AWS Backup, Amazon S3 Gla 0     │",
            "│  network-core        Core network and da production  yes   5.1   AWS Direct Connect, Amazo 0     │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "┌ System ──────────────────────────────────────────────────────────────────────────────────────────┐",
            "│clinician-portal: Clinician web portal                                                            │",
            "│Environment: production                                                                           │",
            "│Data: ePHI, PII (inside the ePHI boundary)                                                        │",
            "│Owner: Clinical applications team                                                                 │",
            "│Hosting now: On-premises VMware cluster, Riverbend data centre                                    │",
            "│Moves in: phase 5, wave 2                                                                         │",
            "│Target services: Amazon CloudFront, Amazon Elastic Container Service (ECS), AWS Fargate, Elastic  │",
            "│Load Balancing, AWS Web Application Firewall (WAF)                                                │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "",
            " s sort  r reverse  q quit  ? help  Tab next view  / filter  e export plan",
        ],
    );
}

#[test]
fn vendors_view_renders() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    assert_screen(
        &screen(&app),
        &[
            " hipaa-migrate · Riverbend Health · AWS · as of 2026-12-04 · 0/422 items (0%) · 7 blockers · Data ce",
            " inventory DIR  journal DIR/journal.jsonl (0 entries)",
            " 1 Phases │ 2 Systems │ 3 Vendors and BAAs │ 4 Waves │ 5 Findings │",
            "┌ Vendors (15) ────────────────────────────────────────────────────────────────────────────────────┐",
            "│  ID                     BAA          Days  Covered services                            Used Finds│",
            "│  aws                    signed       440   all services                                28   0    │",
            "│  okta                   signed       314   all services                                3    0    │",
            "│  cedarline-ehr          signed       636   all services                                2    0    │",
            "│▶ tri-county-lab         signed       -157  all services                                1    1    │",
            "│  pulsewave              signed       406   all services                                1    0    │",
            "│  beacon-messaging       signed       239   SMS reminders, Email reminders              1    1    │",
            "│  northstar-telecom      signed       187   all services                                0    0    │",
            "│  relaymail              unknown                                                        0    1    │",
            "│  lumenlog               none                                                           1    2    │",
            "│  keystone-qa            pending                                                        1    2    │",
            "│  brightwater            signed       300   all services                                3    0    │",
            "│  granite-colo           signed       270   all services                                4    0    │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "┌ Vendor ──────────────────────────────────────────────────────────────────────────────────────────┐",
            "│tri-county-lab: Tri-County Reference Laboratory                                                   │",
            "│Kind: integration partner (inside the ePHI boundary)                                              │",
            "│BAA: signed on 2023-07-01, expired 2026-06-30, 157 days ago                                       │",
            "│Covers: all services                                                                              │",
            "│Document: Contracts register, folder BAA/tri-county-lab-2023.pdf                                  │",
            "│Used by: lab-integration                                                                          │",
            "│                                                                                                  │",
            "│Subprocessor chain                                                                                │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "",
            " g gaps only  q quit  ? help  Tab next view  / filter  e export plan",
        ],
    );
}

#[test]
fn waves_view_renders() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Down);
    assert_screen(
        &screen(&app),
        &[
            " hipaa-migrate · Riverbend Health · AWS · as of 2026-12-04 · 0/422 items (0%) · 7 blockers · Data ce",
            " inventory DIR  journal DIR/journal.jsonl (0 entries)",
            " 1 Phases │ 2 Systems │ 3 Vendors and BAAs │ 4 Waves │ 5 Findings │",
            "┌ Phase 3: low-risk workloads (8) ───────────────┐┌ Phase 5: production ePHI (22) ─────────────────┐",
            "│  Wave System               Name                ││  Wave System               Name                │",
            "│  1    workforce-identity   Workforce single sig││  1    patient-identity     Patient sign-in (mob│",
            "│       platform-metrics     Platform metrics, da││▶      clinical-db          Clinical database (p│",
            "│       ci-pipeline          Build and deploy pip││       clinical-events-bus  Clinical event bus  │",
            "│       container-registry   Container image regi││       document-store       Patient document sto│",
            "│  2    code-scanning        Dependency and conta││       central-logging      Central logging and │",
            "│       iac-pipeline         Infrastructure as co││       backup-vault         Backup vaults       │",
            "│       dev-environment      Development environm││       network-core         Core network and dat│",
            "│  3    landing-zone         AWS landing zone and││       data-lake            Clinical data lake  │",
            "│                                                ││       staging-clinical-db  Staging clinical dat│",
            "│                                                ││       wearable-ingest      Wearable device data│",
            "│                                                ││       vitals-timeseries    Patient vitals time-│",
            "│                                                ││  2    clinician-portal     Clinician web portal│",
            "│                                                ││       appointment-scheduli Appointment scheduli│",
            "│                                                ││       patient-notification Patient reminders an│",
            "│                                                ││       patient-intake-forms Patient intake forms│",
            "│                                                ││       clinical-warehouse   Clinical data wareho│",
            "│                                                ││       ehr-vpn              Site-to-site VPN to │",
            "└────────────────────────────────────────────────┘└────────────────────────────────────────────────┘",
            "┌ Dependencies ────────────────────────────────────────────────────────────────────────────────────┐",
            "│clinical-db moves in phase 5, wave 1  (others shown as phase.wave)                                │",
            "│depends on: none                                                                                  │",
            "│needed by: patient-app-api (5.3), clinician-portal (5.2), appointment-scheduling (5.2),           │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "",
            " → column  q quit  ? help  Tab next view  / filter  e export plan",
        ],
    );
}

#[test]
fn findings_view_renders() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('5'));
    assert_screen(
        &screen(&app),
        &[
            " hipaa-migrate · Riverbend Health · AWS · as of 2026-12-04 · 0/422 items (0%) · 7 blockers · Data ce",
            " inventory DIR  journal DIR/journal.jsonl (0 entries)",
            " 1 Phases │ 2 Systems │ 3 Vendors and BAAs │ 4 Waves │ 5 Findings │",
            "┌ Findings: 7 blockers, 2 warnings, 0 notices (9) ─────────────────────────────────────────────────┐",
            "│  Severity Phase Rule               Object            Message                                     │",
            "│▶ blocker  1     baa-expired        vendor tri-county `tri-county-lab`'s BAA expired on 2026-06-30│",
            "│                 baa-missing        vendor keystone-q `keystone-qa` handles ePHI but its BAA statu│",
            "│                 baa-missing        vendor lumenlog   `lumenlog` handles ePHI but its BAA status i│",
            "│                 real-data-outside- system staging-cl staging system `staging-clinical-db` holds r│",
            "│                 subprocessor-baa-g vendor relaymail  subprocessor `relaymail` receives ePHI throu│",
            "│  blocker  2     service-not-eligib system patient-in `patient-intake-forms` handles ePHI on `Amaz│",
            "│  blocker  4     ephi-log-sink      system clinician- `clinician-portal` sends logs and error repo│",
            "│  warning  1     baa-coverage       vendor beacon-mes `beacon-messaging`'s BAA does not cover `Two│",
            "│  warning  5     dependency-cycle   system appointmen dependency cycle: appointment-scheduling → p│",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "┌ Finding ─────────────────────────────────────────────────────────────────────────────────────────┐",
            "│blocker baa-expired (phase 1) `tri-county-lab`'s BAA expired on 2026-06-30, 157 days ago, and it  │",
            "│still handles ePHI                                                                                │",
            "│Fix: renew the BAA and record the new dates, or stop sending ePHI to the vendor                   │",
            "│Path: lab-integration → tri-county-lab                                                            │",
            "│Cites: 45 CFR 164.308(b)(1), 164.314(a)(1), 164.314(a)(2)(i)                                      │",
            "│Objects                                                                                           │",
            "│vendor tri-county-lab  vendors.yaml:90                                                            │",
            "│system lab-integration  systems/integrations.yaml:72                                              │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "",
            " Enter open  q quit  ? help  Tab next view  / filter  e export plan",
        ],
    );
}

#[test]
fn wide_terminal_puts_detail_beside_table() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    app.update(Action::Resize {
        width: 160,
        height: 30,
    });
    press(&mut app, KeyCode::Char('2'));
    let lines = screen(&app);
    assert!(lines[3].starts_with("┌ Systems (30)"), "{}", lines[3]);
    assert!(lines[3].contains("┐┌ System "), "{}", lines[3]);
}

#[test]
fn help_lists_every_binding() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    app.update(Action::Resize {
        width: 100,
        height: 200,
    });
    press(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    let lines = screen(&app);
    for binding in keymap::BINDINGS {
        assert!(
            contains(&lines, binding.help),
            "help misses {:?}",
            binding.help
        );
    }
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, None);
}

#[test]
fn help_scrolls_by_page_and_stops_at_end() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    app.update(Action::Resize {
        width: 120,
        height: 35,
    });
    press(&mut app, KeyCode::Char('?'));
    let first = screen(&app);
    assert!(contains(&first, "Keys lines 1-31 of "), "{first:#?}");
    assert!(contains(&first, "show all keys"), "{first:#?}");
    assert!(!contains(&first, "quit at once"), "{first:#?}");

    press(&mut app, KeyCode::End);
    let last = screen(&app);
    assert!(contains(&last, "quit at once"), "{last:#?}");
    assert!(!contains(&last, "show all keys"), "{last:#?}");

    // Scrolling past the end stays at the end, so one Up moves one line at once.
    for _ in 0..20 {
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::PageDown);
    }
    assert_eq!(screen(&app), last);
    press(&mut app, KeyCode::Up);
    assert_ne!(screen(&app), last);

    press(&mut app, KeyCode::Home);
    assert_eq!(screen(&app), first);
    press(&mut app, KeyCode::PageDown);
    let second = screen(&app);
    assert!(contains(&second, "Keys lines 32-62 of "), "{second:#?}");
    press(&mut app, KeyCode::PageUp);
    assert_eq!(screen(&app), first);
}

#[test]
fn footer_follows_the_keymap() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('3'));
    let footer = screen(&app).pop().expect("footer line");
    assert_eq!(
        footer,
        " g gaps only  q quit  ? help  Tab next view  / filter  e export plan"
    );
}

#[test]
fn keys_switch_views() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    let expected = [
        ('2', View::Systems),
        ('3', View::Vendors),
        ('4', View::Waves),
        ('5', View::Findings),
        ('1', View::Phases),
    ];
    for (c, view) in expected {
        press(&mut app, KeyCode::Char(c));
        assert_eq!(app.view, view);
    }
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.view, View::Systems);
    key(&mut app, KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(app.view, View::Phases);
    key(&mut app, KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(app.view, View::Findings);
}

#[test]
fn click_on_tab_and_row() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    let lines = screen(&app);
    let column = lines[2].find("Vendors").expect("vendors tab") as u16;
    app.update(Action::Click { column, row: 2 });
    assert_eq!(app.view, View::Vendors);

    // The table's first row is at screen row 5: header 2, tabs 1, border 1, column names 1.
    app.update(Action::Click { column: 5, row: 7 });
    assert_eq!(app.vendors.selected(), Some(2));
    assert!(contains(&screen(&app), "cedarline-ehr: "));
}

#[test]
fn filter_narrows_and_clears() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "clinical");
    assert!(app.filtering);
    let shown: Vec<String> = app
        .systems
        .visible()
        .iter()
        .map(|&i| app.snapshot().expect("loaded").systems[i].id.clone())
        .collect();
    assert_eq!(
        shown,
        [
            "clinical-db",
            "clinical-events-bus",
            "data-lake",
            "clinical-warehouse",
            "quality-dashboards",
            "staging-clinical-db",
        ]
    );
    let lines = screen(&app);
    assert_eq!(lines[HEIGHT as usize - 2], " filter /clinical");

    press(&mut app, KeyCode::Enter);
    assert!(!app.filtering);
    let lines = screen(&app);
    assert!(
        lines[3].starts_with("┌ Systems (6 of 30) /clinical "),
        "{}",
        lines[3]
    );

    press(&mut app, KeyCode::Esc);
    assert_eq!(app.systems.visible().len(), 30);
    assert!(app.systems.filter.is_empty());
}

#[test]
fn filter_keeps_selection() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('2'));
    for _ in 0..4 {
        press(&mut app, KeyCode::Down);
    }
    let selected = app.systems.selected();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "clinical-db");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.systems.selected(), selected);
}

#[test]
fn sort_and_reverse_systems() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('2'));
    let ids = |app: &App| -> Vec<String> {
        let data = app.snapshot().expect("loaded");
        app.systems
            .visible()
            .iter()
            .map(|&i| data.systems[i].id.clone())
            .collect()
    };
    let file_order = ids(&app);
    press(&mut app, KeyCode::Char('s'));
    let by_id = ids(&app);
    let mut expected = file_order.clone();
    expected.sort();
    assert_eq!(by_id, expected);
    assert!(contains(&screen(&app), "ID▲"));

    press(&mut app, KeyCode::Char('r'));
    expected.reverse();
    assert_eq!(ids(&app), expected);
    assert!(contains(&screen(&app), "ID▼"));
}

#[test]
fn gaps_only_toggles_once_per_press() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('3'));
    let mut event = KeyEvent::new(KeyCode::Char('g'), KeyModifiers::NONE);
    if let Some(action) = keymap::action_for_key(&app.modes(), &event) {
        app.update(action);
    }
    event.kind = KeyEventKind::Release;
    if let Some(action) = keymap::action_for_key(&app.modes(), &event) {
        app.update(action);
    }
    assert!(app.gaps_only);
    let data = app.snapshot().expect("loaded");
    let ids: Vec<&str> = app
        .vendors
        .visible()
        .iter()
        .map(|&i| data.vendors[i].id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "tri-county-lab",
            "beacon-messaging",
            "relaymail",
            "lumenlog",
            "keystone-qa"
        ]
    );
    assert!(contains(&screen(&app), "Vendors (5 of 15) gaps only"));

    press(&mut app, KeyCode::Char('g'));
    assert!(!app.gaps_only);
    assert_eq!(app.vendors.visible().len(), 15);
}

#[test]
fn validation_dialog_records_entry() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Dialog(_))));
    assert!(contains(
        &screen(&app),
        "Validate data-inventory for project"
    ));

    type_text(&mut app, "Data dictionary review");
    press(&mut app, KeyCode::Enter);
    app.update(Action::Paste(
        "DD-7, signed by\r\nthe privacy officer".to_owned(),
    ));
    // Space types in a text field rather than cycling the status.
    type_text(&mut app, " ok");
    key(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);

    assert_eq!(app.overlay, None, "the dialog closes after recording");
    let status = app.status.clone().expect("status message");
    assert_eq!(
        status.text,
        "recorded journal.jsonl line 1: data-inventory for project validated"
    );
    let journal = Journal::open(&dir).expect("journal");
    assert!(journal.verify().is_ok());
    let entries = journal.entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].body.evidence,
        "Data dictionary review\nDD-7, signed by\nthe privacy officer ok"
    );
    assert_eq!(entries[0].body.by, "Dana Reyes");
    assert_eq!(entries[0].body.on, as_of());

    let lines = screen(&app);
    assert!(contains(&lines, "1/422 items (0%)"));
    let selected = lines
        .iter()
        .find(|line| line.starts_with("│▶ data-inventory"))
        .expect("selected checklist row");
    assert!(selected.contains(" validated "), "{selected}");
    assert!(selected.contains(" 2026-12-04 "), "{selected}");
}

#[test]
fn dialog_rejects_empty_evidence() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let Some(Overlay::Dialog(dialog)) = &app.overlay else {
        panic!("the dialog stays open");
    };
    assert_eq!(
        dialog.error.as_deref(),
        Some("Evidence is empty: say what shows the result, such as a ticket or report")
    );
    assert!(!dir.join("journal.jsonl").exists());
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, None);
}

#[test]
fn not_applicable_needs_justification() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::BackTab, KeyModifiers::SHIFT);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let Some(Overlay::Dialog(dialog)) = &app.overlay else {
        panic!("the dialog stays open");
    };
    assert_eq!(
        dialog.error.as_deref(),
        Some("not applicable needs a justification saying why")
    );
    type_text(&mut app, "Decommissioned before the move");
    key(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(app.overlay, None);
    let journal = Journal::open(&dir).expect("journal");
    assert_eq!(
        journal.entries()[0].body.justification.as_deref(),
        Some("Decommissioned before the move")
    );
}

#[test]
fn locked_phase_shows_blocker() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Right);
    assert_eq!(app.phase, 1);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.overlay, None);
    let status = app.status.clone().expect("status message");
    assert!(status.error);
    assert_eq!(
        status.text,
        "cannot record a validation for phase 2 (Design the landing zone), which is locked \
         because phase 1 (Map PHI and vendors) is not complete: 94 of 94 items not satisfied, \
         5 blocking findings"
    );
    assert!(contains(
        &screen(&app),
        "Locked: phase 1 (Map PHI and vendors) is not complete: 94 of 94 items not satisfied, 5"
    ));
    assert!(!dir.join("journal.jsonl").exists());
}

#[test]
fn finding_opens_its_object() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "aws");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Vendors);
    let data = app.snapshot().expect("loaded");
    let selected = app.vendors.selected().expect("a vendor is selected");
    assert_eq!(data.vendors[selected].id, "tri-county-lab");
    assert!(
        app.vendors.filter.is_empty(),
        "a filter hiding the object is cleared"
    );

    press(&mut app, KeyCode::Char('5'));
    for _ in 0..6 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Systems);
    let data = app.snapshot().expect("loaded");
    let selected = app.systems.selected().expect("a system is selected");
    assert_eq!(data.systems[selected].id, "clinician-portal");
}

#[test]
fn too_small_terminal_shows_notice() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('2'));
    for (width, height) in [(0, 0), (1, 1), (20, 5), (59, 40), (100, 15)] {
        app.update(Action::Resize { width, height });
        press(&mut app, KeyCode::Down);
        app.update(Action::Click { column: 0, row: 0 });
        let lines = screen(&app);
        assert_eq!(lines.len(), usize::from(height));
        if let Some(first) = lines.first() {
            let variants = [
                format!("terminal too small ({width}x{height}): enlarge it to at least 60x16"),
                "too small: need 60x16".to_owned(),
                "need 60x16".to_owned(),
            ];
            let notice = variants
                .iter()
                .find(|text| text.chars().count() <= usize::from(width))
                .unwrap_or(&variants[2]);
            let shown: String = notice.chars().take(usize::from(width)).collect();
            assert_eq!(first, shown.trim_end());
            assert!(lines[1..].iter().all(String::is_empty));
        }
    }
    app.update(Action::Resize {
        width: WIDTH,
        height: HEIGHT,
    });
    let lines = screen(&app);
    assert!(lines[0].starts_with(" hipaa-migrate · Riverbend Health"));
    assert!(lines[3].starts_with("┌ Systems (30)"));
}

#[test]
fn reload_keeps_selection() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('2'));
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
    }
    let data = app.snapshot().expect("loaded");
    let before = data.systems[app.systems.selected().expect("selected")]
        .id
        .clone();

    // A new system at the top of the file shifts every index by one.
    let path = dir.join("systems.yaml");
    let text = fs::read_to_string(&path).expect("read");
    let added = "- id: reception-kiosk\n  name: Reception kiosk\n  kind: application\n  \
                 environment: production\n\n";
    fs::write(&path, format!("{added}{text}")).expect("write");
    app.update(Action::FilesChanged);

    let data = app.snapshot().expect("reloaded");
    assert_eq!(data.systems.len(), 31);
    let after = &data.systems[app.systems.selected().expect("selected")].id;
    assert_eq!(after, &before);
    assert_eq!(app.view, View::Systems);
}

#[test]
fn broken_inventory_shows_problems() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    let path = dir.join("vendors.yaml");
    let text = fs::read_to_string(&path).expect("read");
    fs::write(
        &path,
        text.replace("kind: cloud_provider", "kind: cloud_vendor"),
    )
    .expect("write");
    app.update(Action::FilesChanged);
    assert!(app.snapshot().is_none());
    let lines = screen(&app);
    assert!(contains(&lines, "the inventory has 1 problems"));
    assert!(contains(&lines, "┌ Problems "));
    assert!(contains(&lines, "cloud_vendor"));

    fs::write(&path, text).expect("write");
    app.update(Action::Reload);
    assert!(app.snapshot().is_some());
    assert_eq!(
        app.status.clone().map(|s| s.text).as_deref(),
        Some("reloaded the inventory and journal")
    );
}

#[test]
fn export_writes_phase_plan() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('e'));
    let path = dir.join("exports").join("phase-1-plan.md");
    let text = fs::read_to_string(&path).expect("plan written");
    assert!(text.contains("Map PHI and vendors"), "{text}");
    let status = app.status.clone().expect("status message");
    assert!(!status.error, "{}", status.text);
    assert_eq!(
        status.text,
        format!("wrote the phase 1 plan to {}", path.display())
    );
}

#[test]
fn plain_theme_has_no_colors() {
    let (_temp, dir) = scratch();
    let mut app = open(&dir);
    press(&mut app, KeyCode::Char('3'));
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal");
    terminal.draw(|frame| ui::draw(frame, &app)).expect("draws");
    let buffer = terminal.backend().buffer();
    for cell in &buffer.content {
        assert_eq!(cell.fg, ratatui::style::Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, ratatui::style::Color::Reset, "{cell:?}");
    }
}

#[test]
fn no_terminal_names_check_instead() {
    let (_temp, dir) = scratch();
    for term in ["xterm-256color", "dumb"] {
        let output = assert_cmd::Command::cargo_bin("hipaa-migrate")
            .expect("binary")
            .arg(&dir)
            .env("TERM", term)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "TERM={term}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("hipaa-migrate check DIR"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}
