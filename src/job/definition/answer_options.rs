//! The answer options of a classification definition.

use crate::{Error, Result};

/// The answer options of a classification definition: the same for every datapoint, or
/// one list per datapoint (matched by position). Each datapoint needs 2 to
/// [`MAX_ANSWER_OPTIONS`] unique, non-empty options.
///
/// Arrays, vectors and slices of strings convert into shared options; build per-datapoint
/// options with [`AnswerOptions::per_datapoint`].
///
/// ```
/// use rapidata::job::AnswerOptions;
///
/// let shared: AnswerOptions = ["Cat", "Dog"].into();
/// let own = AnswerOptions::per_datapoint([vec!["Cat", "Dog"], vec!["Cat", "Dog", "Bird"]]);
/// assert_eq!(shared.for_datapoint(1), Some(&["Cat".to_owned(), "Dog".to_owned()][..]));
/// assert_eq!(own.for_datapoint(1).map(|o| o.len()), Some(3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerOptions {
    /// The same options for every datapoint.
    Shared(Vec<String>),
    /// One list of options per datapoint, in datapoint order.
    PerDatapoint(Vec<Vec<String>>),
}

/// The most answer options a classification datapoint may have.
///
/// ```
/// assert_eq!(rapidata::job::MAX_ANSWER_OPTIONS, 8);
/// ```
pub const MAX_ANSWER_OPTIONS: usize = 8;

impl AnswerOptions {
    /// One list of options per datapoint, matched by position.
    ///
    /// ```
    /// let options = rapidata::job::AnswerOptions::per_datapoint([["Yes", "No"], ["Red", "Blue"]]);
    /// assert!(matches!(options, rapidata::job::AnswerOptions::PerDatapoint(_)));
    /// ```
    pub fn per_datapoint<L, O>(lists: L) -> AnswerOptions
    where
        L: IntoIterator<Item = O>,
        O: IntoIterator,
        O::Item: Into<String>,
    {
        AnswerOptions::PerDatapoint(
            lists
                .into_iter()
                .map(|l| l.into_iter().map(Into::into).collect())
                .collect(),
        )
    }

    /// The options of the datapoint at `index` (`None` past the end of per-datapoint
    /// lists).
    ///
    /// ```
    /// let options: rapidata::job::AnswerOptions = vec!["A", "B"].into();
    /// assert_eq!(options.for_datapoint(7).unwrap().len(), 2);
    /// ```
    pub fn for_datapoint(&self, index: usize) -> Option<&[String]> {
        match self {
            AnswerOptions::Shared(o) => Some(o),
            AnswerOptions::PerDatapoint(lists) => lists.get(index).map(Vec::as_slice),
        }
    }

    /// Checks the options for `n` datapoints (argument `answer_options`).
    pub(crate) fn validate(&self, n: usize) -> Result<()> {
        let check = |argument: String, options: &[String]| -> Result<()> {
            if options.len() < 2 || options.len() > MAX_ANSWER_OPTIONS {
                return Err(Error::invalid_input(
                    argument,
                    options,
                    format!(
                        "needs between 2 and {MAX_ANSWER_OPTIONS} answer options, got {}",
                        options.len()
                    ),
                ));
            }
            for (i, o) in options.iter().enumerate() {
                if o.trim().is_empty() {
                    return Err(Error::invalid_input(
                        format!("{argument}[{i}]"),
                        o,
                        "must not be empty",
                    ));
                }
                if options[..i].contains(o) {
                    return Err(Error::invalid_input(
                        format!("{argument}[{i}]"),
                        o,
                        "answer options must be unique",
                    ));
                }
            }
            Ok(())
        };
        match self {
            AnswerOptions::Shared(o) => check("answer_options".to_owned(), o),
            AnswerOptions::PerDatapoint(lists) => {
                if lists.len() != n {
                    return Err(Error::invalid_input(
                        "answer_options",
                        format!("{} lists", lists.len()),
                        format!(
                            "per-datapoint answer options need exactly one list per datapoint ({n})"
                        ),
                    ));
                }
                lists
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, o)| check(format!("answer_options[{i}]"), o))
            }
        }
    }
}

impl<S: Into<String>, const N: usize> From<[S; N]> for AnswerOptions {
    fn from(options: [S; N]) -> Self {
        AnswerOptions::Shared(options.into_iter().map(Into::into).collect())
    }
}

impl<S: Into<String>> From<Vec<S>> for AnswerOptions {
    fn from(options: Vec<S>) -> Self {
        AnswerOptions::Shared(options.into_iter().map(Into::into).collect())
    }
}

impl<S: Into<String> + Clone> From<&[S]> for AnswerOptions {
    fn from(options: &[S]) -> Self {
        AnswerOptions::Shared(options.iter().cloned().map(Into::into).collect())
    }
}
