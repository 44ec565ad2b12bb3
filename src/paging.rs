//! Walking every page of a paged list (`{ total, page, pageSize, items, totalPages }`)
//! without trusting the server's counts.
//!
//! `total` and `totalPages` are what the server *says*; the items are what it *sent*. A
//! server that reports an absurd total while sending short pages (or the same page again
//! and again) must not make the client page forever, so paging stops at the first of:
//!
//! - an empty page;
//! - a page with no item not seen before (the server ignores `page`);
//! - a short page: fewer items than the page size asked for (or the smaller one the server
//!   reports it used);
//! - as many items as `total`, or the page numbered `totalPages`;
//! - a hard cap of pages, derived from the page size and the most items a list can
//!   plausibly hold; reaching it is logged as a warning.

use std::collections::HashSet;

/// The paging state of one walk through a list.
#[derive(Debug)]
pub(crate) struct Pager {
    what: &'static str,
    page_size: i64,
    max_pages: i64,
    page: i64,
    seen: HashSet<String>,
    collected: u64,
}

/// What one page held, as far as paging is concerned.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PageCounts {
    /// Items on the page.
    pub(crate) items: usize,
    /// Items on the page that were not seen on an earlier page (equal to `items` when the
    /// items have no ids to compare).
    pub(crate) new_items: usize,
    /// The page size the server reports it used (`pageSize`).
    pub(crate) page_size: Option<i64>,
    /// `total`.
    pub(crate) total: Option<i64>,
    /// `totalPages`.
    pub(crate) total_pages: Option<i64>,
}

impl Pager {
    /// A walk over `what` (for the log) asking for `page_size` items a page, for at most
    /// `max_items` items (so at most `max_items / page_size` pages, at least 1).
    pub(crate) fn new(what: &'static str, page_size: i64, max_items: u64) -> Pager {
        let page_size = page_size.max(1);
        Pager {
            what,
            page_size,
            max_pages: (max_items / page_size as u64).max(1) as i64,
            page: 1,
            seen: HashSet::new(),
            collected: 0,
        }
    }

    /// The page to ask for next (1-based).
    pub(crate) fn page(&self) -> i64 {
        self.page
    }

    /// The most pages this walk will ask for.
    #[cfg(test)]
    pub(crate) fn max_pages(&self) -> i64 {
        self.max_pages
    }

    /// Records an item id; whether it is new to this walk.
    pub(crate) fn is_new(&mut self, id: &str) -> bool {
        self.seen.insert(id.to_owned())
    }

    /// After a page: whether to ask for the next one (then [`page`](Self::page) is it).
    pub(crate) fn advance(&mut self, counts: PageCounts) -> bool {
        self.collected += counts.new_items as u64;
        let asked = match counts.page_size {
            Some(reported) if reported > 0 => reported.min(self.page_size),
            _ => self.page_size,
        };
        let done = counts.items == 0
            || counts.new_items == 0
            || (counts.items as i64) < asked
            || counts.total.is_some_and(|t| self.collected as i64 >= t)
            || counts.total_pages.is_some_and(|t| self.page >= t);
        if done {
            return false;
        }
        if self.page >= self.max_pages {
            log::warn!(
                "stopped listing {} after {} pages ({} items): the server keeps reporting more",
                self.what,
                self.page,
                self.collected
            );
            return false;
        }
        self.page += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(new: usize) -> PageCounts {
        PageCounts {
            items: 100,
            new_items: new,
            page_size: Some(100),
            total: Some(i64::MAX),
            total_pages: Some(i32::MAX as i64),
        }
    }

    #[test]
    fn absurd_totals_do_not_keep_paging() {
        let mut p = Pager::new("things", 100, 10_000);
        assert_eq!(p.max_pages(), 100);
        // A short page ends the walk whatever `totalPages` says.
        let short = PageCounts {
            items: 3,
            new_items: 3,
            ..full(3)
        };
        assert!(!p.advance(short));
        // A repeated page ends it.
        let mut p = Pager::new("things", 100, 10_000);
        assert!(p.advance(full(100)));
        assert!(!p.advance(full(0)));
        // Full pages of new items forever: the hard cap ends it.
        let mut p = Pager::new("things", 100, 10_000);
        let mut pages = 1;
        while p.advance(full(100)) {
            pages += 1;
        }
        assert_eq!(pages, 100);
    }

    #[test]
    fn honest_counts_end_the_walk() {
        let mut p = Pager::new("things", 2, 1000);
        let page = |items, total| PageCounts {
            items,
            new_items: items,
            page_size: Some(2),
            total: Some(total),
            total_pages: None,
        };
        assert!(p.advance(page(2, 4)));
        assert_eq!(p.page(), 2);
        assert!(!p.advance(page(2, 4)), "total reached");
        // A server that uses a smaller page size than asked is not taken as done.
        let mut p = Pager::new("things", 100, 1000);
        let smaller = PageCounts {
            items: 50,
            new_items: 50,
            page_size: Some(50),
            total: Some(120),
            total_pages: Some(3),
        };
        assert!(p.advance(smaller));
        assert!(!p.advance(PageCounts {
            page_size: Some(0),
            ..PageCounts::default()
        }));
    }
}
