//! Assets: the media and texts labelers see.
//!
//! A [`DataItem`] is a URL, a local file or a text. URLs and files are uploaded to the API
//! first (`POST /asset/url`, `POST /asset/file`), and requests then refer to them by the
//! server's file name; texts are sent inline and never uploaded.
//!
//! Strings convert with [`DataItem::detect`], like the official SDK: a string starting
//! with `http://` or `https://` (any case) is a URL, **anything else is a local file
//! path**. Text items must be made explicitly with [`DataItem::text`].
//!
//! ```
//! use rapidata::DataItem;
//!
//! assert_eq!(DataItem::from("https://example.com/a.jpg"), DataItem::url("https://example.com/a.jpg"));
//! assert_eq!(DataItem::from("images/a.jpg"), DataItem::file("images/a.jpg"));
//! assert_eq!(DataItem::text("The sky is green.").identifier(), "The sky is green.");
//! ```
//!
//! Every client keeps an upload cache: an item already uploaded through the same client
//! (the same URL, or the same file with unchanged size and modification time) is not
//! uploaded again, and concurrent uploads of one item share a single request.

mod cache;
mod check;
mod item;
#[cfg(test)]
mod tests;
mod upload;

pub(crate) use cache::AssetCache;
pub(crate) use check::validate_all;
pub use item::DataItem;
pub(crate) use upload::{asset_input, upload_all, upload_shared};
