//! Every list operation as a [`Stream`] of items, whatever the API's paging
//! style.
//!
//! Call [`stream`](Paginate::stream) on a list operation's builder instead of `send`; set the
//! filters and page size on the builder as usual. Items arrive in order. Where the API says how
//! many pages there are (RequestRocket's `pagination.pages`, Rockety's
//! `pagination.total_pages`, Rocketpunch's `totalPages`), the following pages are fetched ahead,
//! at most [`DEFAULT_LOOK_AHEAD`] at a time (see
//! [`stream_with_look_ahead`](Paginate::stream_with_look_ahead)), within the client's rate
//! limit and retries; otherwise page after page until an empty one. AuthRocket's cursor
//! (`after` = the last id, while `more_results`) is followed one page at a time.
//!
//! A failed page ends the stream with its error, except a `422` for a page after the first,
//! which Rocketpunch answers for a page past the end: the stream then ends cleanly with every
//! item read so far. Dropping the stream stops it: no page is requested after that, and pages
//! already in flight are abandoned.
//!
//! ```no_run
//! # #[cfg(feature = "rockety")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use futures::TryStreamExt;
//! use rocket_apis::{Paginate, rockety};
//!
//! let client = rockety::Client::from_env()?;
//! let mut projects = client.list_projects().stream();
//! while let Some(project) = projects.try_next().await? {
//!     println!("{}", project.name.as_deref().unwrap_or("(unnamed)"));
//! }
//! # Ok(())
//! # }
//! ```

// Each paging style serves some APIs only; with a subset of API features some go unused.
#![cfg_attr(
    not(all(
        feature = "authrocket",
        feature = "requestrocket",
        feature = "rocketpunch",
        feature = "rockety"
    )),
    allow(dead_code, unused_macros)
)]

use std::{
    any::Any,
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use futures_util::{
    Stream, StreamExt,
    future::{BoxFuture, ready},
    stream::{self, BoxStream},
};

/// Items of a list, one `Result` each; the first error is the last item.
pub type ItemStream<'a, T> = BoxStream<'a, crate::Result<T>>;

/// Pages fetched ahead by [`Paginate::stream`] when the API reports the number of pages.
pub const DEFAULT_LOOK_AHEAD: usize = 4;

/// A list operation that can be read as one stream of items across its pages. Implemented for
/// the builder of every list operation of every API.
pub trait Paginate<'a>: Sized {
    /// One element of the list.
    type Item;

    /// Every item of every page, in order, fetching up to [`DEFAULT_LOOK_AHEAD`] pages ahead
    /// when the API reports the number of pages.
    fn stream(self) -> ItemStream<'a, Self::Item> {
        self.stream_with_look_ahead(DEFAULT_LOOK_AHEAD)
    }

    /// Like [`stream`](Self::stream), with up to `pages` requests in flight at once (`1` reads
    /// strictly one page after the other; `0` counts as `1`).
    fn stream_with_look_ahead(self, pages: usize) -> ItemStream<'a, Self::Item>;
}

/// A page of a list: its items.
#[doc(hidden)]
pub trait ListPage {
    /// One element of the list.
    type Item;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
    /// The page's items, borrowed.
    fn items_slice(&self) -> &[Self::Item];
}

/// A page of a list paged by page number.
#[doc(hidden)]
pub trait NumberedPage: ListPage {
    /// The number of pages, when the API reports it.
    fn total_pages(&self) -> Option<u64>;
}

/// A page of a list paged by cursor (AuthRocket: `after` = the last id, while `more_results`).
#[doc(hidden)]
pub trait CursorPage: ListPage {
    /// Whether another page follows.
    fn more(&self) -> bool;
    /// The cursor for the page after this item.
    fn cursor(item: &Self::Item) -> &str;
}

/// Items of a list paged by page number: page 1, then either pages `2..=total` with look-ahead,
/// or page after page until an empty one (or one that repeats the previous page, from an API
/// that ignores `page`).
///
/// The list operation's own part is only its fetch and the unpacking of its pages; the paging
/// itself runs on type-erased pages ([`Page`]), so it is compiled once for every list of every
/// API rather than once per list operation. `fetch` gives a page as [`Page::numbered`] made it
/// (in the list's own `async` block, so no future adaptor is compiled per list).
pub(crate) fn numbered<'a, P, F, Fut>(fetch: F, look_ahead: usize) -> ItemStream<'a, P::Item>
where
    P: NumberedPage + Send + 'static,
    P::Item: Send + 'a,
    F: Fn(u32) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = crate::Result<Page>> + Send + 'a,
{
    let fetch: Fetch<'a, u32> = Arc::new(move |n| Box::pin(fetch(n)));
    Box::pin(Items::new(pages_by_number(fetch, look_ahead), Page::into_items::<P>))
}

/// Items of a list paged by cursor, one page at a time. `fetch` gives a page as
/// [`Page::cursor`] made it.
pub(crate) fn cursor<'a, P, F, Fut>(fetch: F) -> ItemStream<'a, P::Item>
where
    P: CursorPage + Send + 'static,
    P::Item: Send + 'a,
    F: Fn(Option<String>) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = crate::Result<Page>> + Send + 'a,
{
    let fetch: Fetch<'a, Option<String>> = Arc::new(move |after| Box::pin(fetch(after)));
    Box::pin(Items::new(pages_by_cursor(fetch), Page::into_items::<P>))
}

/// The items of a list that has no pages (one response holds all of it): `fetch` gives them as
/// [`Page::whole`] made it.
pub(crate) fn single<'a, T, Fut>(fetch: Fut) -> ItemStream<'a, T>
where
    T: Send + 'static,
    Fut: Future<Output = crate::Result<Page>> + Send + 'a,
{
    let page: BoxFuture<'a, crate::Result<Page>> = Box::pin(fetch);
    Box::pin(Items::new(stream::once(page).boxed(), Page::into_vec::<T>))
}

/// Fetches one page (by number or cursor), its type erased.
type Fetch<'a, K> = Arc<dyn Fn(K) -> BoxFuture<'a, crate::Result<Page>> + Send + Sync + 'a>;

/// A fetched page as the paging code sees it: what paging needs to know, worked out by the typed
/// code that fetched it, and the page itself, which only that code unpacks again.
pub(crate) struct Page {
    /// How many items it holds.
    len: usize,
    /// The number of pages the API reports (paged by number).
    total_pages: Option<u64>,
    /// The cursor for the next page, when another follows (paged by cursor).
    next_cursor: Option<String>,
    /// Its first item (paged by number without a total: an API that ignores `page` answers the
    /// first page again, which ends the list).
    head: Option<Head>,
    page: Box<dyn Any + Send>,
}

/// A copy of a page's first item, and how to compare two of them.
struct Head {
    item: Box<dyn Any + Send>,
    same: fn(&dyn Any, &dyn Any) -> bool,
}

impl Head {
    fn same_as(&self, other: &Head) -> bool {
        (self.same)(&*self.item, &*other.item)
    }
}

impl Page {
    pub(crate) fn numbered<P>(page: P) -> Page
    where
        P: NumberedPage + Send + 'static,
        P::Item: PartialEq + Clone + Send + 'static,
    {
        let head = page.items_slice().first().cloned().map(|item| Head {
            item: Box::new(item),
            same: |a, b| matches!((a.downcast_ref::<P::Item>(), b.downcast_ref::<P::Item>()), (Some(a), Some(b)) if a == b),
        });
        Page {
            len: page.items_slice().len(),
            total_pages: page.total_pages(),
            next_cursor: None,
            head,
            page: Box::new(page),
        }
    }

    pub(crate) fn cursor<P>(page: P) -> Page
    where
        P: CursorPage + Send + 'static,
        P::Item: Send + 'static,
    {
        let next_cursor = match page.items_slice().last() {
            Some(last) if page.more() => Some(P::cursor(last).to_string()),
            _ => None,
        };
        Page {
            len: page.items_slice().len(),
            total_pages: None,
            next_cursor,
            head: None,
            page: Box::new(page),
        }
    }

    /// A whole list, from an operation without pages.
    pub(crate) fn whole<T: Send + 'static>(items: Vec<T>) -> Page {
        Page {
            len: items.len(),
            total_pages: None,
            next_cursor: None,
            head: None,
            page: Box::new(items),
        }
    }

    /// The items of a page [`Page::numbered`] or [`Page::cursor`] made. (No other page type
    /// reaches here: a list's stream unpacks only the pages its own fetch made.)
    fn into_items<P: ListPage + 'static>(self) -> Vec<P::Item> {
        self.page
            .downcast::<P>()
            .map(|page| page.into_items())
            .unwrap_or_default()
    }

    /// The items [`Page::whole`] holds.
    fn into_vec<T: 'static>(self) -> Vec<T> {
        self.page.downcast::<Vec<T>>().map(|items| *items).unwrap_or_default()
    }
}

/// A list's pages as its items: the only part of the paging that is compiled per item type. A
/// plain stream rather than `flat_map` over `stream::iter`, whose adaptors (and their pinning)
/// were compiled once per item type.
struct Items<'a, T> {
    /// The pages still to come; `None` once they ended or one failed.
    pages: Option<BoxStream<'a, crate::Result<Page>>>,
    unpack: fn(Page) -> Vec<T>,
    /// The rest of the page being read.
    current: std::vec::IntoIter<T>,
}

// Nothing in it is pinned in place: the pages are pinned in their own box, and the items are
// moved out one by one.
impl<T> Unpin for Items<'_, T> {}

impl<'a, T> Items<'a, T> {
    fn new(pages: BoxStream<'a, crate::Result<Page>>, unpack: fn(Page) -> Vec<T>) -> Self {
        Items {
            pages: Some(pages),
            unpack,
            current: Vec::new().into_iter(),
        }
    }
}

impl<T> Stream for Items<'_, T> {
    type Item = crate::Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            let Some(pages) = this.pages.as_mut() else {
                return Poll::Ready(None);
            };
            match pages.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(page))) => this.current = (this.unpack)(page).into_iter(),
                // The first error is the last item: the pages (and any in flight) are dropped.
                Poll::Ready(Some(Err(e))) => {
                    this.pages = None;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    this.pages = None;
                    return Poll::Ready(None);
                }
            }
        }
    }
}

/// Pages by number: page 1, then `2..=total` with look-ahead, or one after the other until an
/// empty or repeated page. Ends after the first error.
fn pages_by_number<'a>(fetch: Fetch<'a, u32>, look_ahead: usize) -> BoxStream<'a, crate::Result<Page>> {
    let look_ahead = look_ahead.max(1);
    let first = fetch(1);
    let pages = stream::once(first).flat_map(move |result| -> BoxStream<'a, crate::Result<Page>> {
        let mut page = match result {
            Ok(page) => page,
            Err(e) => return stream::iter([Err(e)]).boxed(),
        };
        match page.total_pages {
            Some(total) if total > 1 => {
                let last = u32::try_from(total).unwrap_or(u32::MAX);
                let fetch = fetch.clone();
                // An empty page ends the list early, whatever the reported total says.
                let rest = stream::iter(2..=last)
                    .map(move |n| fetch(n))
                    .buffered(look_ahead)
                    .take_while(|result| {
                        ready(match result {
                            Ok(page) => page.len > 0,
                            Err(e) => !past_the_end(e),
                        })
                    });
                stream::iter([Ok(page)]).chain(rest).boxed()
            }
            None if page.len > 0 => {
                let head = page.head.take();
                stream::iter([Ok(page)]).chain(sequential(fetch.clone(), head)).boxed()
            }
            _ => stream::iter([Ok(page)]).boxed(),
        }
    });
    end_at_first_error(pages)
}

/// A `422` for a page after the first, asked with the same filters as the pages before it
/// (which were not empty): the page number is past the end (Rocketpunch documents 422 for it),
/// so the list is over. A `422` on the first page stays an error.
fn past_the_end(error: &crate::Error) -> bool {
    let over = error.status() == Some(http::StatusCode::UNPROCESSABLE_ENTITY);
    if over {
        tracing::debug!("422 for a page after the first: the list ends there");
    }
    over
}

/// Pages 2, 3, … one at a time, until an empty page or one that starts like the page before.
fn sequential<'a>(fetch: Fetch<'a, u32>, head: Option<Head>) -> BoxStream<'a, crate::Result<Page>> {
    stream::unfold(Some((2u32, head)), move |state| {
        let fetch = fetch.clone();
        async move {
            let (n, previous_head) = state?;
            match fetch(n).await {
                Err(e) if past_the_end(&e) => None,
                Err(e) => Some((Err(e), None)),
                Ok(mut page) => {
                    let head = page.head.take();
                    let repeats = matches!((&head, &previous_head), (Some(a), Some(b)) if a.same_as(b));
                    if page.len == 0 || repeats {
                        if repeats {
                            tracing::debug!(page = n, "page repeats the previous one; the API ignores `page`");
                        }
                        return None;
                    }
                    let next = n.checked_add(1).map(|n| (n, head));
                    Some((Ok(page), next))
                }
            }
        }
    })
    .boxed()
}

/// Pages by cursor, one at a time.
fn pages_by_cursor<'a>(fetch: Fetch<'a, Option<String>>) -> BoxStream<'a, crate::Result<Page>> {
    let pages = stream::unfold(Some(None::<String>), move |state| {
        let fetch = fetch.clone();
        async move {
            let after = state?;
            match fetch(after.clone()).await {
                Err(e) => Some((Err(e), None)),
                Ok(page) => {
                    // A cursor that does not move would loop forever.
                    let next = match &page.next_cursor {
                        Some(next) if after.as_ref() != Some(next) => Some(Some(next.clone())),
                        _ => None,
                    };
                    Some((Ok(page), next))
                }
            }
        }
    });
    end_at_first_error(pages)
}

fn end_at_first_error<'a>(
    pages: impl futures_util::Stream<Item = crate::Result<Page>> + Send + 'a,
) -> BoxStream<'a, crate::Result<Page>> {
    pages
        .scan(false, |failed, page| {
            if *failed {
                return ready(None);
            }
            *failed = page.is_err();
            ready(Some(page))
        })
        .boxed()
}

/// Implements [`ListPage`] and [`NumberedPage`] for generated page types: which field holds the items, and how
/// to read the number of pages (`|page| expression`).
macro_rules! numbered_pages {
    ($($page:ident: $item:ident, items = $items:ident, total_pages = |$p:ident| $total:expr;)+) => {$(
        impl $crate::pagination::ListPage for types::$page {
            type Item = types::$item;
            fn into_items(self) -> Vec<types::$item> {
                self.$items
            }
            fn items_slice(&self) -> &[types::$item] {
                &self.$items
            }
        }

        impl $crate::pagination::NumberedPage for types::$page {
            fn total_pages(&self) -> Option<u64> {
                let $p = self;
                $total
            }
        }
    )+};
}

/// Implements [`Paginate`] for list builders paged by page number (`.page(n)`), whose
/// response type implements [`NumberedPage`].
macro_rules! numbered_lists {
    ($($builder:ident => $page:ty;)+) => {$(
        impl<'a> $crate::Paginate<'a> for api::builder::$builder<'a> {
            type Item = <$page as $crate::pagination::ListPage>::Item;
            fn stream_with_look_ahead(self, pages: usize) -> $crate::ItemStream<'a, Self::Item> {
                $crate::pagination::numbered::<$page, _, _>(
                    move |n: u32| {
                        let call = self.clone().page(n);
                        async move { call.send().await.map(|r| $crate::pagination::Page::numbered(r.into_inner())) }
                    },
                    pages,
                )
            }
        }
    )+};
}

/// Implements [`Paginate`] for list builders paged by cursor (`.after(id)`), whose response
/// type implements [`CursorPage`].
macro_rules! cursor_lists {
    ($($builder:ident => $page:ty;)+) => {$(
        impl<'a> $crate::Paginate<'a> for api::builder::$builder<'a> {
            type Item = <$page as $crate::pagination::ListPage>::Item;
            /// The cursor is followed one page at a time; `pages` has no effect.
            fn stream_with_look_ahead(self, _pages: usize) -> $crate::ItemStream<'a, Self::Item> {
                $crate::pagination::cursor::<$page, _, _>(move |after: Option<String>| {
                    let call = match after {
                        Some(after) => self.clone().after(after),
                        None => self.clone(),
                    };
                    async move { call.send().await.map(|r| $crate::pagination::Page::cursor(r.into_inner())) }
                })
            }
        }
    )+};
}

/// Implements [`Paginate`] for list builders without pages: one response, `$items` of it.
macro_rules! single_lists {
    ($($builder:ident => $item:ty, |$page:ident| $items:expr;)+) => {$(
        impl<'a> $crate::Paginate<'a> for api::builder::$builder<'a> {
            type Item = $item;
            /// One response holds the whole list; `pages` has no effect.
            fn stream_with_look_ahead(self, _pages: usize) -> $crate::ItemStream<'a, Self::Item> {
                $crate::pagination::single::<$item, _>(async move {
                    let $page = self.send().await?.into_inner();
                    Ok($crate::pagination::Page::whole($items))
                })
            }
        }
    )+};
}

#[allow(unused_imports)]
pub(crate) use {cursor_lists, numbered_lists, numbered_pages, single_lists};
