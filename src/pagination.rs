//! Every list operation as a [`Stream`](futures_util::Stream) of items, whatever the API's paging
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

use std::future::Future;

use futures_util::{
    StreamExt,
    future::ready,
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

/// A page of a list paged by page number.
#[doc(hidden)]
pub trait NumberedPage {
    /// One element of the list.
    type Item;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
    /// The number of pages, when the API reports it.
    fn total_pages(&self) -> Option<u64>;
}

/// A page of a list paged by cursor (AuthRocket: `after` = the last id, while `more_results`).
#[doc(hidden)]
pub trait CursorPage {
    /// One element of the list.
    type Item;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
    /// Whether another page follows.
    fn more(&self) -> bool;
    /// The cursor for the page after this item.
    fn cursor(item: &Self::Item) -> &str;
}

/// Items of a list paged by page number: page 1, then either pages `2..=total` with look-ahead,
/// or page after page until an empty one (or one that repeats the previous page, from an API
/// that ignores `page`).
pub(crate) fn numbered<'a, P, F, Fut>(fetch: F, look_ahead: usize) -> ItemStream<'a, P::Item>
where
    P: NumberedPage + Send + 'a,
    P::Item: PartialEq + Clone + Send + 'a,
    F: Fn(u32) -> Fut + Clone + Send + Sync + 'a,
    Fut: Future<Output = crate::Result<P>> + Send + 'a,
{
    let look_ahead = look_ahead.max(1);
    let first = fetch(1);
    let items = stream::once(first).flat_map(move |result| -> ItemStream<'a, P::Item> {
        let page = match result {
            Ok(page) => page,
            Err(e) => return stream::iter([Err(e)]).boxed(),
        };
        let total = page.total_pages();
        let items = page.into_items();
        let head = items.first().cloned();
        let this = stream::iter(items.into_iter().map(Ok));
        match total {
            Some(total) if total > 1 => {
                let last = u32::try_from(total).unwrap_or(u32::MAX);
                let fetch = fetch.clone();
                // An empty page ends the list early, whatever the reported total says.
                let rest = stream::iter(2..=last)
                    .map(fetch)
                    .buffered(look_ahead)
                    .map(|result| result.map(NumberedPage::into_items))
                    .take_while(|result| {
                        ready(match result {
                            Ok(items) => !items.is_empty(),
                            Err(e) => !past_the_end(e),
                        })
                    })
                    .flat_map(|result| stream::iter(page_items(result)));
                this.chain(rest).boxed()
            }
            Some(_) => this.boxed(),
            None if head.is_none() => this.boxed(),
            None => this.chain(sequential(fetch.clone(), head)).boxed(),
        }
    });
    end_at_first_error(items)
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

fn page_items<T>(result: crate::Result<Vec<T>>) -> Vec<crate::Result<T>> {
    match result {
        Ok(items) => items.into_iter().map(Ok).collect(),
        Err(e) => vec![Err(e)],
    }
}

fn sequential<'a, P, F, Fut>(fetch: F, head: Option<P::Item>) -> ItemStream<'a, P::Item>
where
    P: NumberedPage + Send + 'a,
    P::Item: PartialEq + Clone + Send + 'a,
    F: Fn(u32) -> Fut + Clone + Send + Sync + 'a,
    Fut: Future<Output = crate::Result<P>> + Send + 'a,
{
    stream::unfold(Some((2u32, head)), move |state| {
        let fetch = fetch.clone();
        async move {
            let (n, previous_head) = state?;
            match fetch(n).await {
                Err(e) if past_the_end(&e) => None,
                Err(e) => Some((vec![Err(e)], None)),
                Ok(page) => {
                    let items = page.into_items();
                    if items.is_empty() || items.first() == previous_head.as_ref() {
                        if !items.is_empty() {
                            tracing::debug!(page = n, "page repeats the previous one; the API ignores `page`");
                        }
                        return None;
                    }
                    let head = items.first().cloned();
                    let next = n.checked_add(1).map(|n| (n, head));
                    Some((items.into_iter().map(Ok).collect(), next))
                }
            }
        }
    })
    .flat_map(stream::iter)
    .boxed()
}

/// Items of a list paged by cursor, one page at a time.
pub(crate) fn cursor<'a, P, F, Fut>(fetch: F) -> ItemStream<'a, P::Item>
where
    P: CursorPage + Send + 'a,
    P::Item: Send + 'a,
    F: Fn(Option<String>) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = crate::Result<P>> + Send + 'a,
{
    let pages = stream::unfold((Some(None::<String>), fetch), |(state, fetch)| async move {
        let after = state?;
        match fetch(after.clone()).await {
            Err(e) => Some((vec![Err(e)], (None, fetch))),
            Ok(page) => {
                let more = page.more();
                let items = page.into_items();
                let next = match items.last().map(P::cursor) {
                    // A cursor that does not move would loop forever.
                    Some(last) if more && after.as_deref() != Some(last) => Some(Some(last.to_string())),
                    _ => None,
                };
                Some((items.into_iter().map(Ok).collect(), (next, fetch)))
            }
        }
    });
    end_at_first_error(pages.flat_map(stream::iter))
}

/// The items of a list that has no pages (one response holds all of it).
pub(crate) fn single<'a, T, Fut>(fetch: Fut) -> ItemStream<'a, T>
where
    T: Send + 'a,
    Fut: Future<Output = crate::Result<Vec<T>>> + Send + 'a,
{
    stream::once(fetch)
        .flat_map(|result| {
            stream::iter(match result {
                Ok(items) => items.into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            })
        })
        .boxed()
}

fn end_at_first_error<'a, T: Send + 'a>(
    items: impl futures_util::Stream<Item = crate::Result<T>> + Send + 'a,
) -> ItemStream<'a, T> {
    items
        .scan(false, |failed, item| {
            if *failed {
                return ready(None);
            }
            *failed = item.is_err();
            ready(Some(item))
        })
        .boxed()
}

/// Implements [`NumberedPage`] for generated page types: which field holds the items, and how
/// to read the number of pages (`|page| expression`).
macro_rules! numbered_pages {
    ($($page:ident: $item:ident, items = $items:ident, total_pages = |$p:ident| $total:expr;)+) => {$(
        impl $crate::pagination::NumberedPage for types::$page {
            type Item = types::$item;
            fn into_items(self) -> Vec<types::$item> {
                self.$items
            }
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
            type Item = <$page as $crate::pagination::NumberedPage>::Item;
            fn stream_with_look_ahead(self, pages: usize) -> $crate::ItemStream<'a, Self::Item> {
                $crate::pagination::numbered(
                    move |n: u32| {
                        let call = self.clone().page(n);
                        async move { call.send().await.map(|r| r.into_inner()) }
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
            type Item = <$page as $crate::pagination::CursorPage>::Item;
            /// The cursor is followed one page at a time; `pages` has no effect.
            fn stream_with_look_ahead(self, _pages: usize) -> $crate::ItemStream<'a, Self::Item> {
                $crate::pagination::cursor(move |after: Option<String>| {
                    let call = match after {
                        Some(after) => self.clone().after(after),
                        None => self.clone(),
                    };
                    async move { call.send().await.map(|r| r.into_inner()) }
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
                $crate::pagination::single(async move {
                    let $page = self.send().await?.into_inner();
                    Ok($items)
                })
            }
        }
    )+};
}

#[allow(unused_imports)]
pub(crate) use {cursor_lists, numbered_lists, numbered_pages, single_lists};
