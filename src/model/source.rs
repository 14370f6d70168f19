//! Source files of an inventory and positions within them.

use crate::loader::yaml::Pos;

/// Index of a file in [`Inventory::files`](crate::loader::Inventory).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// The file and position where a record starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// File holding the record.
    pub file: FileId,
    /// Position of the record's first key.
    pub pos: Pos,
}
