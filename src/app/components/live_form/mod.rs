//! Forms the server renders that work in place, with no code of their own.
//!
//! A page's create form, a row's Rename or Delete, a switch: the server
//! renders them as plain markup with a few `data-` attributes, and the live
//! list around them (`live_list::LiveList`) does the rest in the browser, the
//! same code for every page:
//!
//! - `form[data-live-form="/api/…"]` is sent to that server function as
//!   JSON (URL-encoded with `data-encoding="url"`). Each named field is a key (`agent.name` nests: `{"agent":
//!   {"name": …}}`, `tools[]` makes a list of the ticked ones);
//!   `data-type="number"` or `"bool"` sends a number or a boolean,
//!   `data-optional` leaves an empty field out, a checkbox sends its
//!   `value` or its `data-unchecked`. While it runs, its submit button is disabled and
//!   reads `data-pending`.
//! - Done: `data-done` is shown as a notice, each `{key}` in it replaced by
//!   that key of the answer (`Created “{name}”.`); `data-reset` empties the
//!   form; then the list reloads, focus on `data-focus-after` (an id) or on
//!   the control that opened the form; `data-goto` loads another address
//!   of the list in its place (the page without its sync plan). An answer
//!   with a `problem` (done in part) shows that instead. `data-then` goes to
//!   another page, the notice carried there.
//! - Refused: each field's message goes in `[data-error-for="field"]`, its
//!   input marked `aria-invalid` and the first one focused (a slot may
//!   name several fields, `data-error-for="name slug"`); anything else in
//!   `[data-form-error]`, or a notice.
//! - `[data-open="panel-id"]` shows that hidden panel (a confirmation, a
//!   rename field) in place of its `[data-openers]` group and focuses the
//!   panel's first field or button; `[data-close]` or Escape puts it back
//!   and focus on the opener.
//! - `data-reveal="panel-id"` on a form shows that hidden panel once it is
//!   done, each `[data-fill="… {key} …"]` in it filled from the answer (a
//!   new token, shown once); closing the panel empties them again.
//! - `[data-copy="text"]` copies the text, `[data-copy-from="input-id"]`
//!   that input's value, `data-copy-what` naming it.
//!
//! The server keeps every rule: what it refuses is said here as it said it.

#[cfg(feature = "hydrate")]
pub use client::{on_click, on_keydown, on_submit};

#[cfg(feature = "hydrate")]
mod client;
#[cfg(feature = "hydrate")]
mod request;
