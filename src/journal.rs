//! The validation journal: an append-only, hash-chained record of every validation.
//!
//! `journal.jsonl` lives in the inventory folder, so it is reviewed and versioned in git with
//! the inventory. Each line is one JSON object. Its `prev` field holds the `hash` of the line
//! before it (64 zeros on the first line), and its `hash` field is the SHA-256 of the line's
//! other fields. Editing, deleting or reordering lines therefore breaks the chain at the first
//! changed place, which [`Journal::verify`] names. Lines deleted from the end leave a shorter
//! chain that is still intact; only git history shows those.
//!
//! The chain makes changes evident, not impossible: anyone who can write the file can rebuild
//! every hash. Git history and code review are what make a rewritten journal visible.
//!
//! Appending takes an exclusive advisory lock, checks that the file still ends where this
//! process last read it, writes one whole line and syncs it before reporting success. A write
//! cut short leaves an incomplete last line, which loading reports and appending refuses to
//! build on until [`repair`] moves it aside.
//!
//! NOTE: a git merge of two branches that both appended entries interleaves or concatenates
//! two chains, which verification reports as a broken link. Resolve such a merge by keeping
//! one side's journal and recording the other side's validations again.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::gates::{Subject, Validation, ValidationStatus, ValidationStore};
use crate::model::CivilDate;

/// File name of the journal inside an inventory folder.
pub const FILE_NAME: &str = "journal.jsonl";

/// `prev` of the first line.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one line that the hash covers, in the order they are written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryBody {
    /// Position in the journal, from 1.
    pub seq: u64,
    /// Control id.
    pub control: String,
    /// The project, system or vendor the validation is about.
    pub subject: Subject,
    /// Outcome recorded.
    pub status: ValidationStatus,
    /// Name of the person who recorded it, as given. It is not an authenticated identity.
    pub by: String,
    /// Calendar date the validation counts from.
    pub on: CivilDate,
    /// Moment the entry was written, as an RFC 3339 timestamp in UTC.
    pub at: String,
    /// Evidence that the control is met.
    pub evidence: String,
    /// Justification for "not applicable", or other context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// `hash` of the line before, or 64 zeros for the first line.
    pub prev: String,
}

/// One journal line: its body and the hash of the body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The hashed fields.
    #[serde(flatten)]
    pub body: EntryBody,
    /// SHA-256 of the body's JSON, in lowercase hex.
    pub hash: String,
}

impl Entry {
    /// Builds an entry from its body, computing the hash.
    pub fn seal(body: EntryBody) -> Self {
        let hash = hash_body(&body);
        Entry { body, hash }
    }

    /// Returns the validation this entry records.
    pub fn validation(&self) -> Validation {
        Validation {
            status: self.body.status,
            by: self.body.by.clone(),
            on: self.body.on,
            evidence: self.body.evidence.clone(),
            justification: self.body.justification.clone(),
        }
    }
}

fn hash_body(body: &EntryBody) -> String {
    // Serialising a struct with fixed field order and no maps gives the same bytes for the
    // same values, so the hash is reproducible.
    let json = serde_json::to_string(body).unwrap_or_default();
    let digest = Sha256::digest(json.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Something wrong with the journal file, found while reading it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JournalProblem {
    /// Line number, from 1.
    pub line: usize,
    /// Description of the problem.
    pub message: String,
    /// Whether this is an incomplete last line, left by a write that was cut short.
    pub torn_tail: bool,
}

/// The journal of one inventory, as read from disk.
#[derive(Clone, Debug, Default)]
pub struct Journal {
    path: PathBuf,
    entries: Vec<Entry>,
    problems: Vec<JournalProblem>,
    /// Length in bytes of the file when it was read; appends check it is unchanged.
    read_len: u64,
    latest: HashMap<(String, Subject), usize>,
    /// The validation of each entry, by entry index, for [`ValidationStore`].
    validations: Vec<Validation>,
}

impl Journal {
    /// Reads the journal in `dir`; a missing file is an empty journal.
    ///
    /// # Errors
    /// Fails when the file exists but cannot be read.
    pub fn open(dir: &Path) -> io::Result<Self> {
        let path = dir.join(FILE_NAME);
        if fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink()) {
            return Err(symlink_error(&path));
        }
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(error) => return Err(error),
        };
        Ok(Journal::parse(path, &bytes))
    }

    /// Parses journal bytes, checking the chain. Entries after the first broken link are
    /// still read, so the history stays visible, and the problem is reported. Only the
    /// entries before it count as validations for the gates.
    pub fn parse(path: PathBuf, bytes: &[u8]) -> Self {
        let mut journal = Journal {
            path,
            read_len: bytes.len() as u64,
            ..Journal::default()
        };
        let ends_with_newline = bytes.last().is_none_or(|&b| b == b'\n');
        let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        // `split` yields an empty slice after a final newline; it is not a line.
        let count = if ends_with_newline {
            lines.len().saturating_sub(1)
        } else {
            lines.len()
        };
        let mut expected_prev = GENESIS.to_owned();
        let mut chain_broken = false;
        for (index, raw) in lines.iter().take(count).enumerate() {
            let number = index + 1;
            let is_last = number == count;
            let torn = is_last && !ends_with_newline;
            // A blank line carries no entry, so it neither breaks nor extends the chain.
            if raw.iter().all(u8::is_ascii_whitespace) && !torn {
                continue;
            }
            let entry = std::str::from_utf8(raw)
                .map_err(|_| "not valid UTF-8".to_owned())
                .and_then(|text| {
                    serde_json::from_str::<Entry>(text).map_err(|error| error.to_string())
                });
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    let message = if torn {
                        "incomplete last line: a write was cut short; run `hipaa-migrate journal \
                         repair` to move it aside"
                            .to_owned()
                    } else {
                        format!("unreadable entry: {error}")
                    };
                    journal.problems.push(JournalProblem {
                        line: number,
                        message,
                        torn_tail: torn,
                    });
                    chain_broken = true;
                    continue;
                }
            };
            if torn {
                journal.problems.push(JournalProblem {
                    line: number,
                    message: "last line has no line end: a write was cut short; run \
                              `hipaa-migrate journal repair` to move it aside"
                        .to_owned(),
                    torn_tail: true,
                });
                continue;
            }
            if !chain_broken
                && let Some(message) = link_problem(
                    &entry,
                    raw,
                    &expected_prev,
                    number,
                    journal.entries.len() as u64 + 1,
                )
            {
                journal.problems.push(JournalProblem {
                    line: number,
                    message,
                    torn_tail: false,
                });
                chain_broken = true;
            }
            expected_prev.clone_from(&entry.hash);
            journal.push(entry, !chain_broken);
        }
        journal
    }

    /// Returns the entries read, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Returns the problems found while reading, the first broken link first.
    pub fn problems(&self) -> &[JournalProblem] {
        &self.problems
    }

    /// Returns the journal file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Returns the first problem, or `Ok` when the chain is intact and complete.
    ///
    /// # Errors
    /// Returns the first problem found.
    pub fn verify(&self) -> Result<usize, &JournalProblem> {
        match self.problems.first() {
            Some(problem) => Err(problem),
            None => Ok(self.entries.len()),
        }
    }

    fn tail_hash(&self) -> &str {
        self.entries
            .last()
            .map_or(GENESIS, |entry| entry.hash.as_str())
    }
}

/// Describes why `entry`, read as line `number`, does not follow the line before it.
fn link_problem(
    entry: &Entry,
    raw: &[u8],
    expected_prev: &str,
    number: usize,
    expected_seq: u64,
) -> Option<String> {
    if hash_body(&entry.body) != entry.hash {
        return Some(format!(
            "line {number} was changed after it was written: its hash does not match its content"
        ));
    }
    // The tool writes each line in one canonical form, so any other text (an added field,
    // changed spacing) was edited by hand even when the hashed fields are intact.
    let canonical = serde_json::to_string(entry).unwrap_or_default();
    if canonical.as_bytes() != raw.strip_suffix(b"\r").unwrap_or(raw) {
        return Some(format!(
            "line {number} was changed after it was written: it holds text the journal does \
             not write, such as an added field"
        ));
    }
    if entry.body.prev != expected_prev {
        return Some(if number == 1 {
            "line 1 does not start the chain: lines before it were deleted".to_owned()
        } else {
            format!(
                "line {number} does not follow line {}: a line was deleted, inserted or moved \
                 here",
                number - 1
            )
        });
    }
    if entry.body.seq != expected_seq {
        return Some(format!(
            "line {number} carries sequence number {} where {expected_seq} was expected: lines \
             were deleted or moved",
            entry.body.seq
        ));
    }
    None
}

impl Journal {
    /// Adds an entry; only a `trusted` one, before any broken link, counts for the gates.
    fn push(&mut self, entry: Entry, trusted: bool) -> &Entry {
        if trusted {
            let key = (entry.body.control.clone(), entry.body.subject.clone());
            self.latest.insert(key, self.entries.len());
        }
        self.validations.push(entry.validation());
        self.entries.push(entry);
        &self.entries[self.entries.len() - 1]
    }

    /// Returns the latest entry for a checklist item.
    pub fn latest_entry(&self, control: &str, subject: &Subject) -> Option<&Entry> {
        self.latest
            .get(&(control.to_owned(), subject.clone()))
            .map(|&index| &self.entries[index])
    }
}

impl ValidationStore for Journal {
    fn latest(&self, control: &str, subject: &Subject) -> Option<&Validation> {
        self.latest
            .get(&(control.to_owned(), subject.clone()))
            .map(|&index| &self.validations[index])
    }
}

/// Reason an append did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// The journal has problems that an append would build on.
    #[error("the journal is damaged at line {line}: {message}")]
    Damaged {
        /// First damaged line.
        line: usize,
        /// Description of the problem.
        message: String,
    },
    /// The re-check after another writer's append rejected this one.
    #[error("{0}")]
    Rejected(String),
    /// Reading, locking, writing or syncing the file failed.
    #[error("cannot write {path}: {error}")]
    Io {
        /// The journal file.
        path: PathBuf,
        /// The underlying error, shown in this error's message rather than as its source, so
        /// that a report of the whole chain does not print it twice.
        error: io::Error,
    },
}

/// Fields of one entry to append.
#[derive(Clone, Debug)]
pub struct NewEntry {
    /// Control id.
    pub control: String,
    /// The project, system or vendor.
    pub subject: Subject,
    /// Outcome.
    pub status: ValidationStatus,
    /// Name of the person recording it.
    pub by: String,
    /// Date the validation counts from.
    pub on: CivilDate,
    /// Evidence text.
    pub evidence: String,
    /// Justification text.
    pub justification: Option<String>,
}

impl Journal {
    /// Appends one entry.
    ///
    /// Under an exclusive lock, the file is checked to still end where this journal last
    /// read it. When another writer appended meanwhile, the journal is read again and
    /// `recheck` runs on the fresh copy; its `Err` rejects the append. The new line is then
    /// written whole and synced to disk before this returns.
    ///
    /// # Errors
    /// Fails when the journal is damaged, `recheck` rejects the entry, or the file cannot be
    /// locked, read, written or synced.
    pub fn append(
        &mut self,
        entry: &NewEntry,
        recheck: &mut dyn FnMut(&Journal) -> Result<(), String>,
    ) -> Result<&Entry, AppendError> {
        let io_error = |error| AppendError::Io {
            path: self.path.clone(),
            error,
        };
        if fs::symlink_metadata(&self.path).is_ok_and(|meta| meta.file_type().is_symlink()) {
            return Err(io_error(symlink_error(&self.path)));
        }
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&self.path)
            .map_err(io_error)?;
        file.lock().map_err(|error| AppendError::Io {
            path: self.path.clone(),
            error,
        })?;
        let result = self.append_locked(&mut file, entry, recheck);
        // Closing the file releases the lock too; unlocking first makes the order explicit.
        let _ = file.unlock();
        result
    }

    fn append_locked(
        &mut self,
        file: &mut File,
        entry: &NewEntry,
        recheck: &mut dyn FnMut(&Journal) -> Result<(), String>,
    ) -> Result<&Entry, AppendError> {
        let io_error = |path: &Path, error| AppendError::Io {
            path: path.to_path_buf(),
            error,
        };
        let len = file.metadata().map_err(|e| io_error(&self.path, e))?.len();
        if len != self.read_len {
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            file.seek(SeekFrom::Start(0))
                .map_err(|e| io_error(&self.path, e))?;
            file.read_to_end(&mut bytes)
                .map_err(|e| io_error(&self.path, e))?;
            *self = Journal::parse(self.path.clone(), &bytes);
            recheck(self).map_err(AppendError::Rejected)?;
        }
        if let Some(problem) = self.problems.first() {
            return Err(AppendError::Damaged {
                line: problem.line,
                message: problem.message.clone(),
            });
        }
        let body = EntryBody {
            seq: self.entries.len() as u64 + 1,
            control: entry.control.clone(),
            subject: entry.subject.clone(),
            status: entry.status,
            by: entry.by.clone(),
            on: entry.on,
            at: jiff::Timestamp::now().to_string(),
            evidence: entry.evidence.clone(),
            justification: entry.justification.clone(),
            prev: self.tail_hash().to_owned(),
        };
        let sealed = Entry::seal(body);
        let mut line =
            serde_json::to_string(&sealed).map_err(|e| io_error(&self.path, e.into()))?;
        line.push('\n');
        // One write call of the whole line: with O_APPEND it lands at the end of the file,
        // and a crash can only leave a prefix of it, which loading reports as a torn tail.
        file.write_all(line.as_bytes())
            .map_err(|e| io_error(&self.path, e))?;
        file.sync_data().map_err(|e| io_error(&self.path, e))?;
        self.read_len += line.len() as u64;
        Ok(self.push(sealed, true))
    }
}

/// Outcome of [`repair`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Repair {
    /// The journal is missing or ends with a complete line.
    Nothing,
    /// The last line was a whole, valid entry that only lacked its line end, which was added.
    EndedLine,
    /// The incomplete last line was moved into this side file.
    MovedAside(PathBuf),
}

/// Repairs a journal whose last line was cut short.
///
/// A last line that is a whole, valid entry missing only its line end (as some editors save
/// files) gets the line end back. Any other incomplete last line moves into a new side file
/// `journal.jsonl.torn-<seconds>[-<n>]` beside the journal, so appending can continue and no
/// byte is lost.
///
/// # Errors
/// Fails when the journal is a symbolic link, or cannot be read, locked or rewritten.
pub fn repair(dir: &Path) -> io::Result<Repair> {
    let path = dir.join(FILE_NAME);
    match fs::symlink_metadata(&path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Repair::Nothing),
        Err(error) => return Err(error),
        Ok(meta) if meta.file_type().is_symlink() => return Err(symlink_error(&path)),
        Ok(_) => {}
    }
    let mut file = OpenOptions::new().read(true).write(true).open(&path)?;
    file.lock()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    if bytes.is_empty() || bytes.ends_with(b"\n") {
        return Ok(Repair::Nothing);
    }
    let mut ended = bytes.clone();
    ended.push(b'\n');
    if Journal::parse(path.clone(), &ended).problems.is_empty() {
        file.seek(SeekFrom::End(0))?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        return Ok(Repair::EndedLine);
    }
    let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let side = create_side_file(dir, &bytes[keep..])?;
    file.set_len(keep as u64)?;
    file.sync_all()?;
    Ok(Repair::MovedAside(side))
}

/// Writes `bytes` into a new side file, never replacing an existing one.
fn create_side_file(dir: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let stamp = jiff::Timestamp::now().as_second();
    for attempt in 0..1000 {
        let name = if attempt == 0 {
            format!("{FILE_NAME}.torn-{stamp}")
        } else {
            format!("{FILE_NAME}.torn-{stamp}-{attempt}")
        };
        let side = dir.join(name);
        match OpenOptions::new().write(true).create_new(true).open(&side) {
            Ok(mut file) => {
                file.write_all(bytes)?;
                file.sync_all()?;
                return Ok(side);
            }
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free side file name",
    ))
}

fn symlink_error(path: &Path) -> io::Error {
    io::Error::other(format!(
        "{} is a symbolic link; the journal must be a regular file in the inventory folder",
        path.display()
    ))
}
