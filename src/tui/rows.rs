//! The state of one scrollable, filterable list: which items show, which is selected and
//! where the visible window starts.
//!
//! Items are indexes into a view's precomputed rows. Filtering and sorting rebuild the index
//! lists once per change, and drawing reads only the rows of the visible window, so a frame
//! costs the same at ten thousand rows as at a hundred.

use std::ops::Range;

/// One list's order, filter, selection and scroll position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowList {
    /// Every item, in display order.
    order: Vec<usize>,
    /// The items that pass the filter, in display order.
    visible: Vec<usize>,
    /// The filter text as typed.
    pub filter: String,
    /// Position in `visible` of the selected item.
    selected: usize,
    /// Position in `visible` of the first row drawn.
    offset: usize,
}

impl RowList {
    /// Creates a list of `len` items in their natural order, all visible.
    pub fn new(len: usize) -> Self {
        let order: Vec<usize> = (0..len).collect();
        RowList {
            visible: order.clone(),
            order,
            ..RowList::default()
        }
    }

    /// Returns the items that pass the filter, in display order.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    /// Returns the number of items in the list before filtering.
    pub fn total(&self) -> usize {
        self.order.len()
    }

    /// Returns the position of the selection among the visible items.
    pub fn selected_position(&self) -> usize {
        self.selected
    }

    /// Returns the selected item, or `None` when no item is visible.
    pub fn selected(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }

    /// Replaces the display order, keeping the selected item selected.
    pub fn set_order(&mut self, order: Vec<usize>, keep: impl Fn(usize) -> bool) {
        self.order = order;
        self.refilter(keep);
    }

    /// Rebuilds the visible items from those for which `keep` is true, keeping the selected
    /// item selected when it is still visible.
    pub fn refilter(&mut self, keep: impl Fn(usize) -> bool) {
        let previous = self.selected();
        self.visible = self.order.iter().copied().filter(|&i| keep(i)).collect();
        self.selected = previous
            .and_then(|item| self.visible.iter().position(|&i| i == item))
            .unwrap_or(0);
        self.offset = self.offset.min(self.selected);
    }

    /// Selects an item when it is visible, and returns whether it is.
    pub fn select_item(&mut self, item: usize) -> bool {
        match self.visible.iter().position(|&i| i == item) {
            Some(position) => {
                self.selected = position;
                true
            }
            None => false,
        }
    }

    /// Selects the visible item at `position`, or the last one when it is past the end.
    pub fn select_position(&mut self, position: usize) {
        self.selected = position.min(self.visible.len().saturating_sub(1));
    }

    /// Moves the selection by `delta` rows, stopping at either end.
    pub fn move_by(&mut self, delta: isize) {
        let target = self.selected.saturating_add_signed(delta);
        self.select_position(target);
    }

    /// Returns the positions of the rows to draw in a window of `height` rows: the stored
    /// offset, moved only as far as needed to show the selection.
    pub fn window(&self, height: usize) -> Range<usize> {
        if height == 0 || self.visible.is_empty() {
            return 0..0;
        }
        let lowest = (self.selected + 1).saturating_sub(height);
        let start = self.offset.clamp(lowest, self.selected);
        start..(start + height).min(self.visible.len())
    }

    /// Stores the window start that [`RowList::window`] computes for `height`, so the window
    /// scrolls only when the selection leaves it.
    pub fn follow(&mut self, height: usize) {
        self.offset = self.window(height).start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_follows_selection() {
        let mut list = RowList::new(100);
        assert_eq!(list.window(10), 0..10);
        list.move_by(15);
        list.follow(10);
        assert_eq!(list.window(10), 6..16);
        list.move_by(-3);
        list.follow(10);
        assert_eq!(list.window(10), 6..16);
        list.move_by(-10);
        list.follow(10);
        assert_eq!(list.window(10), 2..12);
    }

    #[test]
    fn filter_keeps_selected_item() {
        let mut list = RowList::new(10);
        list.select_item(6);
        list.refilter(|i| i % 2 == 0);
        assert_eq!(list.selected(), Some(6));
        list.refilter(|i| i % 3 == 0);
        assert_eq!(list.selected(), Some(6));
        list.refilter(|i| i == 1);
        assert_eq!(list.selected(), Some(1));
        list.refilter(|_| false);
        assert_eq!(list.selected(), None);
        assert_eq!(list.window(5), 0..0);
    }

    #[test]
    fn move_stops_at_ends() {
        let mut list = RowList::new(3);
        list.move_by(-5);
        assert_eq!(list.selected(), Some(0));
        list.move_by(50);
        assert_eq!(list.selected(), Some(2));
    }
}
