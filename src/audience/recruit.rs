//! The live API's recruiting rule: a custom audience only starts recruiting once it has at
//! least as many qualification examples as its graduation rule's `minTasks`.
//!
//! The server refuses `POST /audience/{id}/recruit` below that number with a message like
//! "The graduation rule needs 10 validation tasks, but the audience only has 8". The client
//! checks the same rule first (so the refusal names both ways out), and turns the server's
//! refusal into the same typed error when the two disagree (another writer deleted
//! examples in between, say).

use std::fmt;

/// The `minTasks` the server applies when an audience was created without one.
///
/// ```
/// assert_eq!(rapidata::audience::DEFAULT_MIN_TASKS, 10);
/// ```
pub const DEFAULT_MIN_TASKS: u32 = 10;

/// The smallest `minTasks` the API accepts for a custom audience.
///
/// ```
/// assert_eq!(rapidata::audience::MIN_MIN_TASKS, 3);
/// ```
pub const MIN_MIN_TASKS: u32 = 3;

/// Recruiting was refused: the audience has fewer qualification examples than its
/// graduation rule needs. Found in [`Error::NotEnoughExamples`](crate::Error::NotEnoughExamples).
///
/// ```no_run
/// # fn demo(audience: rapidata::Audience) -> rapidata::Result<()> {
/// match audience.start_recruiting() {
///     Err(rapidata::Error::NotEnoughExamples(e)) => {
///         eprintln!("add {} more examples", e.missing());
///     }
///     other => other?,
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotEnoughExamples {
    pub(crate) audience_id: String,
    pub(crate) examples: u64,
    pub(crate) min_tasks: u64,
    pub(crate) from_server: bool,
}

impl NotEnoughExamples {
    /// The audience that cannot recruit yet.
    ///
    /// ```no_run
    /// # fn demo(e: &rapidata::audience::NotEnoughExamples) {
    /// println!("{}", e.audience_id());
    /// # }
    /// ```
    pub fn audience_id(&self) -> &str {
        &self.audience_id
    }

    /// How many qualification examples the audience has.
    ///
    /// ```no_run
    /// # fn demo(e: &rapidata::audience::NotEnoughExamples) {
    /// println!("{} examples", e.examples());
    /// # }
    /// ```
    pub fn examples(&self) -> u64 {
        self.examples
    }

    /// How many its graduation rule needs (`minTasks`).
    ///
    /// ```no_run
    /// # fn demo(e: &rapidata::audience::NotEnoughExamples) {
    /// println!("{} needed", e.min_tasks());
    /// # }
    /// ```
    pub fn min_tasks(&self) -> u64 {
        self.min_tasks
    }

    /// How many examples are still missing.
    ///
    /// ```no_run
    /// # fn demo(e: &rapidata::audience::NotEnoughExamples) {
    /// println!("{} to go", e.missing());
    /// # }
    /// ```
    pub fn missing(&self) -> u64 {
        self.min_tasks.saturating_sub(self.examples)
    }

    /// Whether the server refused the recruit request (`true`), or the client did before
    /// sending it (`false`).
    ///
    /// ```no_run
    /// # fn demo(e: &rapidata::audience::NotEnoughExamples) {
    /// assert!(!e.refused_by_server());
    /// # }
    /// ```
    pub fn refused_by_server(&self) -> bool {
        self.from_server
    }
}

impl fmt::Display for NotEnoughExamples {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "audience {} cannot start recruiting: its graduation rule needs {} qualification \
             examples (min_tasks), but it has {}. Add {} more example(s), or create the \
             audience with a lower min_tasks (at least {MIN_MIN_TASKS}), e.g. \
             create_audience(..).min_tasks({})",
            self.audience_id,
            self.min_tasks,
            self.examples,
            self.missing(),
            self.examples.max(u64::from(MIN_MIN_TASKS)),
        )
    }
}

impl std::error::Error for NotEnoughExamples {}

/// Reads the two numbers out of the server's refusal ("The graduation rule needs 10
/// validation tasks, but the audience only has 8"), wherever in the error body it is.
pub(crate) fn parse_refusal(text: &str) -> Option<(u64, u64)> {
    let rest = &text[text.find("graduation rule needs ")? + "graduation rule needs ".len()..];
    let needed = leading_number(rest)?;
    let rest = &rest[rest.find("only has ")? + "only has ".len()..];
    Some((needed, leading_number(rest)?))
}

fn leading_number(s: &str) -> Option<u64> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_servers_message() {
        assert_eq!(
            parse_refusal(
                "The graduation rule needs 10 validation tasks, but the audience only has 8"
            ),
            Some((10, 8))
        );
        assert_eq!(
            parse_refusal("{\"title\":\"The graduation rule needs 12 validation tasks, but the audience only has 0.\"}"),
            Some((12, 0))
        );
        assert_eq!(parse_refusal("Validation failed"), None);
        assert_eq!(parse_refusal("graduation rule needs many"), None);
    }

    #[test]
    fn message_names_both_numbers_and_both_ways_out() {
        let e = NotEnoughExamples {
            audience_id: "aud_1".into(),
            examples: 8,
            min_tasks: 10,
            from_server: false,
        };
        let text = e.to_string();
        assert!(text.contains("needs 10"), "{text}");
        assert!(text.contains("has 8"), "{text}");
        assert!(text.contains("Add 2 more"), "{text}");
        assert!(text.contains("min_tasks(8)"), "{text}");
        assert_eq!(e.missing(), 2);
    }
}
