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
//!
//! [`Pages`] is the public face of the same walk: every list builder of the crate
//! (`find_jobs`, `find_job_definitions`, `find_audiences`, an audience's jobs, a
//! definition's revisions …) takes `amount` (the page size) and `page` (where to start),
//! returns one page with `send()`, and walks lazily from that page on with `iter()`.

use std::collections::{HashSet, VecDeque};
use std::fmt;

use crate::{Error, Result};

/// The most items any list walk reads before it stops (and logs a warning).
const MAX_LISTED_ITEMS: u64 = 1_000_000;

/// The page size of every listing the client reads through by itself (after a lost
/// create, a dataset's datapoints, an audience's examples, a set's rapids). The one place
/// it is set.
pub(crate) const LIST_PAGE_SIZE: i64 = 100;

/// The `sort` of a newest-first listing (`-created_at`), the order every lookup by name
/// and every `find_*` uses. The one place it is written.
pub(crate) fn newest_first() -> Vec<String> {
    vec!["-created_at".to_owned()]
}

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

    /// The same walk, starting at `page` (1-based) instead of 1: the hard cap counts from
    /// there, and `total` counts the items of the pages skipped as seen.
    pub(crate) fn starting_at(mut self, page: i64) -> Pager {
        let page = page.max(1);
        self.max_pages = self.max_pages.saturating_add(page - 1);
        self.collected = (page - 1) as u64 * self.page_size as u64;
        self.page = page;
        self
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

/// Where a list starts and how long its pages are: the `amount` and `page` every list
/// builder takes, checked before any request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageSpec {
    /// Items per page (`page_size`).
    pub(crate) amount: u32,
    /// The first page to read, 1-based.
    pub(crate) page: u32,
}

impl Default for PageSpec {
    fn default() -> Self {
        PageSpec {
            amount: 10,
            page: 1,
        }
    }
}

impl PageSpec {
    /// Refuses a page size outside 1..=[`MAX_PAGE_SIZE`](crate::request::MAX_PAGE_SIZE)
    /// and page 0.
    pub(crate) fn check(&self) -> Result<()> {
        crate::error::check_page_size("amount", self.amount)?;
        if self.page < 1 {
            return Err(Error::invalid_input(
                "page",
                self.page,
                "pages are numbered from 1",
            ));
        }
        Ok(())
    }
}

/// One page as a list endpoint answered it: its items and its counts.
pub(crate) struct Fetched<T> {
    /// The items with the id each is told apart by.
    pub(crate) items: Vec<(String, T)>,
    pub(crate) page_size: Option<i64>,
    pub(crate) total: Option<i64>,
    pub(crate) total_pages: Option<i64>,
}

impl<T> Fetched<T> {
    /// The items, without their ids.
    pub(crate) fn into_items(self) -> Vec<T> {
        self.items.into_iter().map(|(_, t)| t).collect()
    }

    /// Turns the items into what the caller sees (handles), keeping the counts.
    pub(crate) fn map<U>(self, mut f: impl FnMut(T) -> U) -> Fetched<U> {
        Fetched {
            items: self.items.into_iter().map(|(id, t)| (id, f(t))).collect(),
            page_size: self.page_size,
            total: self.total,
            total_pages: self.total_pages,
        }
    }
}

/// A generated `…PagedResultOfOutput` (`{ items, page, pageSize, total, totalPages }`).
pub(crate) trait PagedOutput {
    /// One entry of `items`.
    type Item;
    /// The page's items, each with its id, and the counts.
    fn into_fetched(self) -> Fetched<Self::Item>;
}

type FetchPage<T> = Box<dyn FnMut(i64) -> Result<Fetched<T>> + Send>;

/// A lazy walk through a list, page by page: each call to `next` that runs out of
/// buffered items asks the server for the next page. It ends where the server's answers
/// end (an empty, short or repeated page, `total` or `totalPages` reached) and yields an
/// error at most once, as its last item. Bad arguments (`amount`, `page`) are that error,
/// before any request.
///
/// From the `iter()` of a list builder:
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// for job in client.job().find_jobs("").amount(100).iter() {
///     let job = job?;
///     println!("{} {}", job.id(), job.name());
/// }
/// # Ok::<(), rapidata::Error>(())
/// ```
#[must_use = "nothing is requested until the iterator is advanced"]
pub struct Pages<T> {
    fetch: Option<FetchPage<T>>,
    pending_error: Option<Error>,
    pager: Pager,
    buffer: VecDeque<T>,
    pages_read: u32,
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("next_page", &self.pager.page())
            .field("pages_read", &self.pages_read)
            .field("buffered", &self.buffer.len())
            .field("done", &self.fetch.is_none())
            .finish()
    }
}

impl<T> Pages<T> {
    /// A walk over `what` with `spec`'s page size from its page on; `fetch` reads one
    /// page by number. A `spec` that fails its check makes the walk yield that error only.
    pub(crate) fn new(
        what: &'static str,
        spec: PageSpec,
        fetch: impl FnMut(i64) -> Result<Fetched<T>> + Send + 'static,
    ) -> Pages<T> {
        let pager = Pager::new(what, i64::from(spec.amount.max(1)), MAX_LISTED_ITEMS)
            .starting_at(i64::from(spec.page));
        match spec.check() {
            Ok(()) => Pages {
                fetch: Some(Box::new(fetch)),
                pending_error: None,
                pager,
                buffer: VecDeque::new(),
                pages_read: 0,
            },
            Err(e) => Pages {
                fetch: None,
                pending_error: Some(e),
                pager,
                buffer: VecDeque::new(),
                pages_read: 0,
            },
        }
    }

    /// How many pages were requested so far.
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// let mut jobs = client.job().find_jobs("").amount(2).iter();
    /// let first_three: Vec<_> = jobs.by_ref().take(3).collect::<Result<_, _>>()?;
    /// assert_eq!(jobs.pages_read(), 2);
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn pages_read(&self) -> u32 {
        self.pages_read
    }
}

impl<T> Iterator for Pages<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(Ok(item));
            }
            if let Some(e) = self.pending_error.take() {
                return Some(Err(e));
            }
            let fetch = self.fetch.as_mut()?;
            let fetched = match fetch(self.pager.page()) {
                Ok(f) => f,
                Err(e) => {
                    self.fetch = None;
                    return Some(Err(e));
                }
            };
            self.pages_read += 1;
            let items = fetched.items.len();
            for (id, item) in fetched.items {
                if self.pager.is_new(&id) {
                    self.buffer.push_back(item);
                }
            }
            let more = self.pager.advance(PageCounts {
                items,
                new_items: self.buffer.len(),
                page_size: fetched.page_size,
                total: fetched.total,
                total_pages: fetched.total_pages,
            });
            if !more {
                self.fetch = None;
            }
        }
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

    /// A list of `n` items served honestly with `page_size` per page, counting requests.
    fn served(
        n: usize,
        calls: std::sync::Arc<std::sync::atomic::AtomicU32>,
        ignore_page: bool,
    ) -> impl FnMut(i64) -> Result<Fetched<usize>> + Send + 'static {
        move |page| {
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let page = if ignore_page { 1 } else { page as usize };
            let items = (0..n)
                .skip((page - 1) * 10)
                .take(10)
                .map(|i| (i.to_string(), i))
                .collect();
            Ok(Fetched {
                items,
                page_size: Some(10),
                total: Some(n as i64),
                total_pages: Some(n.div_ceil(10) as i64),
            })
        }
    }

    fn spec(amount: u32, page: u32) -> PageSpec {
        PageSpec { amount, page }
    }

    #[test]
    fn pages_walk_lazily_from_the_page_asked_for() {
        use std::sync::{atomic::AtomicU32, atomic::Ordering, Arc};
        let calls = Arc::new(AtomicU32::new(0));
        let mut pages = Pages::new("things", spec(10, 1), served(25, calls.clone(), false));
        assert_eq!(
            calls.load(Ordering::SeqCst),
            0,
            "nothing before the first next()"
        );
        assert_eq!(pages.next().unwrap().unwrap(), 0);
        assert_eq!(pages.pages_read(), 1);
        let rest: Vec<usize> = pages.by_ref().map(|r| r.unwrap()).collect();
        assert_eq!(rest, (1..25).collect::<Vec<_>>());
        assert_eq!(pages.pages_read(), 3);
        // From page 2 on.
        let calls = Arc::new(AtomicU32::new(0));
        let from_two: Vec<usize> = Pages::new("things", spec(10, 2), served(25, calls, false))
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(from_two, (10..25).collect::<Vec<_>>());
        // A server that ignores `page` is read once more, then the walk stops.
        let calls = Arc::new(AtomicU32::new(0));
        let n = Pages::new("things", spec(10, 1), served(25, calls.clone(), true)).count();
        assert_eq!((n, calls.load(Ordering::SeqCst)), (10, 2));
    }

    #[test]
    fn bad_arguments_and_failures_end_the_walk_with_one_error() {
        use std::sync::{atomic::AtomicU32, atomic::Ordering, Arc};
        let calls = Arc::new(AtomicU32::new(0));
        let mut pages = Pages::new("things", spec(0, 1), served(25, calls.clone(), false));
        let e = pages.next().unwrap().unwrap_err();
        assert_eq!(e.as_invalid_input().unwrap().argument(), "amount");
        assert!(pages.next().is_none());
        let e = Pages::new("things", spec(10, 0), served(5, calls.clone(), false))
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(e.as_invalid_input().unwrap().argument(), "page");
        assert_eq!(calls.load(Ordering::SeqCst), 0, "no request on bad input");
        // A failing second page: the first page's items, the error, then nothing.
        let mut first = true;
        let walk: Vec<Result<usize>> = Pages::new("things", spec(2, 1), move |_| {
            if std::mem::take(&mut first) {
                Ok(Fetched {
                    items: vec![("a".into(), 1), ("b".into(), 2)],
                    page_size: Some(2),
                    total: Some(10),
                    total_pages: None,
                })
            } else {
                Err(Error::invalid_input("x", "y", "page 2 failed"))
            }
        })
        .collect();
        assert_eq!(walk.len(), 3);
        assert!(walk[2].is_err());
    }
}
