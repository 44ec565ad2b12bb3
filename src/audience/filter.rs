//! Audience filters as Rust values.
//!
//! A [`Filter`] restricts who may label: by country, language, age group, gender or
//! device, and any combination of those with `&` (all must match), `|` (at least one must
//! match) and `!` (must not match).
//!
//! Filters are checked when they are sent (by
//! [`AudienceManager::create_audience`](crate::AudienceManager::create_audience),
//! [`Audience::filter`](crate::Audience::filter) and
//! [`Audience::update_filters`](crate::Audience::update_filters)), before any request;
//! [`Filter::validate`] runs the same checks on demand.
//!
//! ```
//! use rapidata::{AgeGroup, Filter};
//!
//! let filter = (Filter::country(["US", "CA"]) | Filter::language(["en"]))
//!     & !Filter::age([AgeGroup::Age0To17]);
//! assert!(filter.validate().is_ok());
//! assert_eq!(
//!     serde_json::to_value(filter.to_api()).unwrap(),
//!     serde_json::json!({"_t": "AndFilter", "filters": [
//!         {"_t": "OrFilter", "filters": [
//!             {"_t": "CountryFilter", "countries": ["US", "CA"]},
//!             {"_t": "LanguageFilter", "languages": ["en"]}]},
//!         {"_t": "NotFilter", "filter":
//!             {"_t": "DemographicFilter", "identifier": "age", "values": ["0-17"]}}]})
//! );
//! ```

use std::fmt;
use std::ops::{BitAnd, BitOr, Not};

use crate::api::types;
use crate::{Error, Result};

/// An age group of labelers (the `age` demographic).
///
/// ```
/// use rapidata::AgeGroup;
/// assert_eq!(AgeGroup::Age18To29.as_str(), "18-29");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgeGroup {
    /// `0-17`
    Age0To17,
    /// `18-29`
    Age18To29,
    /// `30-39`
    Age30To39,
    /// `40-49`
    Age40To49,
    /// `50-64`
    Age50To64,
    /// `65+`
    Age65Plus,
}

impl AgeGroup {
    /// Every age group, youngest first.
    ///
    /// ```
    /// assert_eq!(rapidata::AgeGroup::ALL.len(), 6);
    /// ```
    pub const ALL: [AgeGroup; 6] = [
        AgeGroup::Age0To17,
        AgeGroup::Age18To29,
        AgeGroup::Age30To39,
        AgeGroup::Age40To49,
        AgeGroup::Age50To64,
        AgeGroup::Age65Plus,
    ];

    /// The value sent on the wire (`"0-17"`, `"18-29"`, …, `"65+"`).
    ///
    /// ```
    /// assert_eq!(rapidata::AgeGroup::Age65Plus.as_str(), "65+");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            AgeGroup::Age0To17 => "0-17",
            AgeGroup::Age18To29 => "18-29",
            AgeGroup::Age30To39 => "30-39",
            AgeGroup::Age40To49 => "40-49",
            AgeGroup::Age50To64 => "50-64",
            AgeGroup::Age65Plus => "65+",
        }
    }

    /// The age group with this wire value, if any.
    ///
    /// ```
    /// use rapidata::AgeGroup;
    /// assert_eq!(AgeGroup::parse("30-39"), Some(AgeGroup::Age30To39));
    /// assert_eq!(AgeGroup::parse("30+"), None);
    /// ```
    pub fn parse(value: &str) -> Option<AgeGroup> {
        AgeGroup::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

/// Serialized as its wire value ([`AgeGroup::as_str`]).
impl serde::Serialize for AgeGroup {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for AgeGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A gender of labelers (the `gender` demographic).
///
/// ```
/// use rapidata::Gender;
/// assert_eq!(Gender::Female.as_str(), "Female");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gender {
    /// `Male`
    Male,
    /// `Female`
    Female,
    /// `Other`
    Other,
}

impl Gender {
    /// The value sent on the wire.
    ///
    /// ```
    /// assert_eq!(rapidata::Gender::Other.as_str(), "Other");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "Male",
            Gender::Female => "Female",
            Gender::Other => "Other",
        }
    }

    /// The gender with this wire value, if any.
    ///
    /// ```
    /// use rapidata::Gender;
    /// assert_eq!(Gender::parse("Male"), Some(Gender::Male));
    /// assert_eq!(Gender::parse("male"), None);
    /// ```
    pub fn parse(value: &str) -> Option<Gender> {
        [Gender::Male, Gender::Female, Gender::Other]
            .into_iter()
            .find(|g| g.as_str() == value)
    }
}

/// Serialized as its wire value ([`Gender::as_str`]).
impl serde::Serialize for Gender {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of device a labeler works on.
///
/// ```
/// use rapidata::Device;
/// assert_eq!(Device::Phone.as_str(), "Phone");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Device {
    /// A phone.
    Phone,
    /// A tablet.
    Tablet,
    /// A device the server could not classify.
    Unknown,
    /// A device type this crate does not know yet (read from the server).
    Other(String),
}

impl Device {
    /// The value sent on the wire (`Phone`, `Tablet`, `Unknown`).
    ///
    /// ```
    /// assert_eq!(rapidata::Device::Tablet.as_str(), "Tablet");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            Device::Phone => "Phone",
            Device::Tablet => "Tablet",
            Device::Unknown => "Unknown",
            Device::Other(s) => s,
        }
    }

    fn to_api(&self) -> types::DeviceType {
        match self {
            Device::Phone => types::DeviceType::Phone,
            Device::Tablet => types::DeviceType::Tablet,
            Device::Unknown => types::DeviceType::Unknown,
            Device::Other(s) => types::DeviceType::Other(s.clone()),
        }
    }

    fn from_api(d: &types::DeviceType) -> Device {
        match d {
            types::DeviceType::Phone => Device::Phone,
            types::DeviceType::Tablet => Device::Tablet,
            types::DeviceType::Unknown => Device::Unknown,
            // `Other`, and any value the documents gained after this code was written.
            other => Device::Other(other.as_str().to_owned()),
        }
    }
}

/// Serialized as its wire value ([`Device::as_str`]).
impl serde::Serialize for Device {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who may label: a condition on labelers, possibly combined from others.
///
/// Build filters with the constructors ([`Filter::country`], [`Filter::language`],
/// [`Filter::age`], [`Filter::gender`], [`Filter::device`], [`Filter::demographic`]) and
/// combine them with `&`, `|` and `!`. Constructors never fail; the values are checked
/// ([`Filter::validate`]) when the filter is sent, before any request is made.
///
/// On the wire a filter is the API's `IAudienceFilter` union ([`Filter::to_api`]); filters
/// read from the server come back through `From<types::IAudienceFilter>`.
///
/// ```
/// use rapidata::{Device, Filter, Gender};
///
/// let f = Filter::gender([Gender::Female]) & !Filter::device([Device::Tablet]);
/// assert_eq!(f.to_string(), "gender(Female) & !device(Tablet)");
/// ```
///
/// Serialized externally tagged in `snake_case`, with age groups, genders and devices as
/// their wire values: `{"and": [{"country": ["US"]}, {"not": {"age": ["0-17"]}}]}`,
/// `{"demographic": {"identifier": "occupation", "values": ["nurse"]}}`; a filter kind
/// this crate does not know as `{"unknown": <the server's JSON>}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Filter {
    /// Labelers in one of these countries (ISO 3166-1 alpha-2 codes, upper case).
    Country(Vec<String>),
    /// Labelers speaking one of these languages (ISO 639-1 codes, lower case).
    Language(Vec<String>),
    /// Labelers in one of these age groups.
    Age(Vec<AgeGroup>),
    /// Labelers of one of these genders.
    Gender(Vec<Gender>),
    /// Labelers whose demographic `identifier` has one of these values.
    Demographic {
        /// The demographic (`age`, `gender`, `occupation`, …).
        identifier: String,
        /// The accepted values.
        values: Vec<String>,
    },
    /// Labelers working on one of these devices.
    Device(Vec<Device>),
    /// Every filter must match.
    And(Vec<Filter>),
    /// At least one filter must match.
    Or(Vec<Filter>),
    /// The filter must not match.
    Not(Box<Filter>),
    /// A filter kind this crate does not know yet, as read from the server (sent back
    /// unchanged).
    Unknown(serde_json::Value),
}

impl Filter {
    /// Labelers in one of these countries: ISO 3166-1 alpha-2 codes in upper case
    /// (`"US"`, `"DE"`).
    ///
    /// ```
    /// let f = rapidata::Filter::country(["US", "CA"]);
    /// assert!(f.validate().is_ok());
    /// assert!(rapidata::Filter::country(["us"]).validate().is_err());
    /// ```
    pub fn country<I, S>(codes: I) -> Filter
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Filter::Country(codes.into_iter().map(Into::into).collect())
    }

    /// Labelers speaking one of these languages: ISO 639-1 codes in lower case
    /// (`"en"`, `"de"`).
    ///
    /// ```
    /// let f = rapidata::Filter::language(["en", "de"]);
    /// assert!(f.validate().is_ok());
    /// assert!(rapidata::Filter::language(["english"]).validate().is_err());
    /// ```
    pub fn language<I, S>(codes: I) -> Filter
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Filter::Language(codes.into_iter().map(Into::into).collect())
    }

    /// Labelers in one of these age groups (sent as the `age` demographic).
    ///
    /// ```
    /// use rapidata::{AgeGroup, Filter};
    /// let f = Filter::age([AgeGroup::Age18To29, AgeGroup::Age30To39]);
    /// assert_eq!(f.to_string(), "age(18-29, 30-39)");
    /// ```
    pub fn age(groups: impl IntoIterator<Item = AgeGroup>) -> Filter {
        Filter::Age(groups.into_iter().collect())
    }

    /// Labelers of one of these genders (sent as the `gender` demographic).
    ///
    /// ```
    /// use rapidata::{Filter, Gender};
    /// let f = Filter::gender([Gender::Male, Gender::Other]);
    /// assert_eq!(f.to_string(), "gender(Male, Other)");
    /// ```
    pub fn gender(genders: impl IntoIterator<Item = Gender>) -> Filter {
        Filter::Gender(genders.into_iter().collect())
    }

    /// Labelers whose demographic `identifier` has one of `values` (for demographics
    /// without a dedicated constructor).
    ///
    /// ```
    /// let f = rapidata::Filter::demographic("occupation", ["Student"]);
    /// assert!(f.validate().is_ok());
    /// ```
    pub fn demographic<I, S>(identifier: impl Into<String>, values: I) -> Filter
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Filter::Demographic {
            identifier: identifier.into(),
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// Labelers working on one of these devices.
    ///
    /// ```
    /// use rapidata::{Device, Filter};
    /// let f = Filter::device([Device::Phone]);
    /// assert_eq!(f.to_string(), "device(Phone)");
    /// ```
    pub fn device(devices: impl IntoIterator<Item = Device>) -> Filter {
        Filter::Device(devices.into_iter().collect())
    }

    /// All of these filters must match (the same as joining them with `&`).
    ///
    /// ```
    /// use rapidata::Filter;
    /// let f = Filter::all([Filter::country(["US"]), Filter::language(["en"])]);
    /// assert_eq!(f, Filter::country(["US"]) & Filter::language(["en"]));
    /// ```
    pub fn all(filters: impl IntoIterator<Item = Filter>) -> Filter {
        Filter::And(filters.into_iter().collect())
    }

    /// At least one of these filters must match (the same as joining them with `|`).
    ///
    /// ```
    /// use rapidata::Filter;
    /// let f = Filter::any([Filter::country(["US"]), Filter::country(["CA"])]);
    /// assert_eq!(f, Filter::country(["US"]) | Filter::country(["CA"]));
    /// ```
    pub fn any(filters: impl IntoIterator<Item = Filter>) -> Filter {
        Filter::Or(filters.into_iter().collect())
    }

    /// Checks every value: country and language codes, no empty lists (also inside `&`,
    /// `|` and `!`). The error is an [`Error::InvalidInput`] naming the offending part.
    ///
    /// ```
    /// use rapidata::Filter;
    /// let err = (Filter::country(["US"]) & Filter::language(Vec::<String>::new()))
    ///     .validate()
    ///     .unwrap_err();
    /// assert_eq!(err.as_invalid_input().unwrap().argument(), "filter.filters[1].languages");
    /// ```
    pub fn validate(&self) -> Result<()> {
        self.validate_as("filter")
    }

    /// [`Filter::validate`], naming the argument `argument` in errors.
    pub(crate) fn validate_as(&self, argument: &str) -> Result<()> {
        fn non_empty<T: fmt::Debug>(argument: &str, field: &str, values: &[T]) -> Result<()> {
            if values.is_empty() {
                return Err(Error::invalid_input(
                    format!("{argument}.{field}"),
                    values,
                    "must not be empty: give at least one value",
                ));
            }
            Ok(())
        }
        match self {
            Filter::Country(codes) => {
                non_empty(argument, "countries", codes)?;
                for (i, code) in codes.iter().enumerate() {
                    if !is_country_code(code) {
                        let hint = if is_country_code(&code.to_ascii_uppercase()) {
                            format!(
                                "country codes are upper case: use {:?}",
                                code.to_ascii_uppercase()
                            )
                        } else {
                            "not an ISO 3166-1 alpha-2 country code (like \"US\" or \"DE\")"
                                .to_owned()
                        };
                        return Err(Error::invalid_input(
                            format!("{argument}.countries[{i}]"),
                            code,
                            hint,
                        ));
                    }
                }
                Ok(())
            }
            Filter::Language(codes) => {
                non_empty(argument, "languages", codes)?;
                for (i, code) in codes.iter().enumerate() {
                    if !is_language_code(code) {
                        let hint = if is_language_code(&code.to_ascii_lowercase()) {
                            format!(
                                "language codes are lower case: use {:?}",
                                code.to_ascii_lowercase()
                            )
                        } else {
                            "not an ISO 639-1 language code (like \"en\" or \"de\")".to_owned()
                        };
                        return Err(Error::invalid_input(
                            format!("{argument}.languages[{i}]"),
                            code,
                            hint,
                        ));
                    }
                }
                Ok(())
            }
            Filter::Age(groups) => non_empty(argument, "age", groups),
            Filter::Gender(genders) => non_empty(argument, "gender", genders),
            Filter::Device(devices) => non_empty(argument, "devices", devices),
            Filter::Demographic { identifier, values } => {
                if identifier.trim().is_empty() {
                    return Err(Error::invalid_input(
                        format!("{argument}.identifier"),
                        identifier,
                        "must not be empty: name the demographic (like \"occupation\")",
                    ));
                }
                non_empty(argument, "values", values)
            }
            Filter::And(filters) | Filter::Or(filters) => {
                non_empty(argument, "filters", filters)?;
                for (i, f) in filters.iter().enumerate() {
                    f.validate_as(&format!("{argument}.filters[{i}]"))?;
                }
                Ok(())
            }
            Filter::Not(inner) => inner.validate_as(&format!("{argument}.filter")),
            Filter::Unknown(_) => Ok(()),
        }
    }

    /// The API's wire form of this filter.
    ///
    /// ```
    /// use rapidata::Filter;
    /// let json = serde_json::to_value(Filter::country(["US"]).to_api()).unwrap();
    /// assert_eq!(json, serde_json::json!({"_t": "CountryFilter", "countries": ["US"]}));
    /// ```
    pub fn to_api(&self) -> types::IAudienceFilter {
        use types::IAudienceFilter as F;
        let demographic = |identifier: &str, values: Vec<String>| {
            types::IAudienceFilterDemographicAudienceFilter::new(identifier.to_owned(), values)
                .into()
        };
        let all = |filters: &[Filter]| filters.iter().map(Filter::to_api).collect();
        match self {
            Filter::Country(codes) => {
                types::IAudienceFilterCountryAudienceFilter::new(codes.clone()).into()
            }
            Filter::Language(codes) => types::IAudienceFilterLanguageAudienceFilter::new(
                codes
                    .iter()
                    .map(|c| types::Language::from(c.as_str()))
                    .collect(),
            )
            .into(),
            Filter::Age(groups) => demographic(
                "age",
                groups.iter().map(|g| g.as_str().to_owned()).collect(),
            ),
            Filter::Gender(genders) => demographic(
                "gender",
                genders.iter().map(|g| g.as_str().to_owned()).collect(),
            ),
            Filter::Demographic { identifier, values } => demographic(identifier, values.clone()),
            Filter::Device(devices) => types::IAudienceFilterDeviceAudienceFilter::new(
                devices.iter().map(Device::to_api).collect(),
            )
            .into(),
            Filter::And(filters) => {
                types::IAudienceFilterAndAudienceFilter::new(all(filters)).into()
            }
            Filter::Or(filters) => types::IAudienceFilterOrAudienceFilter::new(all(filters)).into(),
            Filter::Not(inner) => {
                types::IAudienceFilterNotAudienceFilter::new(Box::new(inner.to_api())).into()
            }
            Filter::Unknown(value) => F::Unknown(value.clone()),
        }
    }

    /// Reads a filter in the API's wire form (as found in an audience's `filters`).
    ///
    /// `DemographicFilter`s for `age` and `gender` whose values are all known become
    /// [`Filter::Age`] / [`Filter::Gender`]; other demographics stay
    /// [`Filter::Demographic`]; unknown kinds become [`Filter::Unknown`].
    ///
    /// ```
    /// use rapidata::api::types::IAudienceFilter;
    /// use rapidata::{AgeGroup, Filter};
    ///
    /// let wire: IAudienceFilter = serde_json::from_value(serde_json::json!(
    ///     {"_t": "DemographicFilter", "identifier": "age", "values": ["65+"]})).unwrap();
    /// assert_eq!(Filter::from_api(&wire), Filter::age([AgeGroup::Age65Plus]));
    /// ```
    pub fn from_api(filter: &types::IAudienceFilter) -> Filter {
        use types::IAudienceFilter as F;
        match filter {
            F::CountryFilter(f) => Filter::Country(f.countries.clone()),
            F::LanguageFilter(f) => {
                Filter::Language(f.languages.iter().map(ToString::to_string).collect())
            }
            F::DemographicFilter(types::IAudienceFilterDemographicAudienceFilter {
                identifier,
                values,
                ..
            }) => {
                let ages: Option<Vec<AgeGroup>> =
                    values.iter().map(|v| AgeGroup::parse(v)).collect();
                let genders: Option<Vec<Gender>> =
                    values.iter().map(|v| Gender::parse(v)).collect();
                match (identifier.as_str(), ages, genders) {
                    ("age", Some(ages), _) if !ages.is_empty() => Filter::Age(ages),
                    ("gender", _, Some(genders)) if !genders.is_empty() => Filter::Gender(genders),
                    _ => Filter::Demographic {
                        identifier: identifier.clone(),
                        values: values.clone(),
                    },
                }
            }
            F::DeviceFilter(f) => {
                Filter::Device(f.device_types.iter().map(Device::from_api).collect())
            }
            F::AndFilter(f) => Filter::And(f.filters.iter().map(Filter::from_api).collect()),
            F::OrFilter(f) => Filter::Or(f.filters.iter().map(Filter::from_api).collect()),
            F::NotFilter(f) => Filter::Not(Box::new(Filter::from_api(&f.filter))),
            // `Unknown` (a kind the documents lack) and any kind the documents gained after
            // this code was written: kept as raw JSON (`Unknown` serializes as its value).
            other => Filter::Unknown(serde_json::to_value(other).unwrap_or_default()),
        }
    }
}

impl From<Filter> for types::IAudienceFilter {
    fn from(f: Filter) -> Self {
        f.to_api()
    }
}

impl From<&types::IAudienceFilter> for Filter {
    fn from(f: &types::IAudienceFilter) -> Self {
        Filter::from_api(f)
    }
}

impl From<types::IAudienceFilter> for Filter {
    fn from(f: types::IAudienceFilter) -> Self {
        Filter::from_api(&f)
    }
}

/// `a & b`: both must match. Nested `&`s are flattened into one `AndFilter` (an empty
/// one is kept, so validation reports it).
impl BitAnd for Filter {
    type Output = Filter;

    fn bitand(self, rhs: Filter) -> Filter {
        let mut filters = match self {
            Filter::And(fs) if !fs.is_empty() => fs,
            other => vec![other],
        };
        match rhs {
            Filter::And(fs) if !fs.is_empty() => filters.extend(fs),
            other => filters.push(other),
        }
        Filter::And(filters)
    }
}

/// `a | b`: at least one must match. Nested `|`s are flattened into one `OrFilter` (an
/// empty one is kept, so validation reports it).
impl BitOr for Filter {
    type Output = Filter;

    fn bitor(self, rhs: Filter) -> Filter {
        let mut filters = match self {
            Filter::Or(fs) if !fs.is_empty() => fs,
            other => vec![other],
        };
        match rhs {
            Filter::Or(fs) if !fs.is_empty() => filters.extend(fs),
            other => filters.push(other),
        }
        Filter::Or(filters)
    }
}

/// `!a`: must not match.
impl Not for Filter {
    type Output = Filter;

    fn not(self) -> Filter {
        Filter::Not(Box::new(self))
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list<T: fmt::Display>(
            f: &mut fmt::Formatter<'_>,
            name: &str,
            items: &[T],
        ) -> fmt::Result {
            write!(f, "{name}(")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{item}")?;
            }
            f.write_str(")")
        }
        fn joined(f: &mut fmt::Formatter<'_>, op: &str, items: &[Filter]) -> fmt::Result {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    write!(f, " {op} ")?;
                }
                match item {
                    Filter::And(_) | Filter::Or(_) => write!(f, "({item})")?,
                    _ => write!(f, "{item}")?,
                }
            }
            Ok(())
        }
        match self {
            Filter::Country(c) => list(f, "country", c),
            Filter::Language(l) => list(f, "language", l),
            Filter::Age(a) => list(f, "age", a),
            Filter::Gender(g) => list(f, "gender", g),
            Filter::Demographic { identifier, values } => list(f, identifier, values),
            Filter::Device(d) => list(f, "device", d),
            Filter::And(fs) => joined(f, "&", fs),
            Filter::Or(fs) => joined(f, "|", fs),
            Filter::Not(inner) => match **inner {
                Filter::And(_) | Filter::Or(_) => write!(f, "!({inner})"),
                _ => write!(f, "!{inner}"),
            },
            Filter::Unknown(v) => write!(f, "unknown({v})"),
        }
    }
}

/// Checks the filters of a call, naming them `{argument}[i]`.
pub(crate) fn validate_all(argument: &str, filters: &[Filter]) -> Result<()> {
    for (i, f) in filters.iter().enumerate() {
        f.validate_as(&format!("{argument}[{i}]"))?;
    }
    Ok(())
}

/// ISO 3166-1 alpha-2 codes (officially assigned, plus `XK` for Kosovo).
const COUNTRY_CODES: &str = "\
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY \
HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY \
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY \
QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ \
VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

/// ISO 639-1 language codes.
const LANGUAGE_CODES: &str = "\
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs \
ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu \
fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz \
ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky \
la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my \
na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu \
rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw \
ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

fn is_country_code(code: &str) -> bool {
    code.len() == 2 && COUNTRY_CODES.split(' ').any(|c| c == code)
}

fn is_language_code(code: &str) -> bool {
    code.len() == 2 && LANGUAGE_CODES.split(' ').any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wire(f: &Filter) -> serde_json::Value {
        serde_json::to_value(f.to_api()).unwrap()
    }

    #[test]
    fn code_tables_are_well_formed() {
        let countries: Vec<&str> = COUNTRY_CODES.split(' ').collect();
        assert_eq!(countries.len(), 250);
        assert!(
            countries.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        assert!(countries
            .iter()
            .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
        let languages: Vec<&str> = LANGUAGE_CODES.split(' ').collect();
        assert_eq!(languages.len(), 184);
        assert!(
            languages.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        assert!(languages
            .iter()
            .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_lowercase())));
    }

    #[test]
    fn leaf_filters_have_the_exact_wire_form() {
        assert_eq!(
            wire(&Filter::country(["US", "CA"])),
            json!({"_t": "CountryFilter", "countries": ["US", "CA"]})
        );
        assert_eq!(
            wire(&Filter::language(["en"])),
            json!({"_t": "LanguageFilter", "languages": ["en"]})
        );
        assert_eq!(
            wire(&Filter::age(AgeGroup::ALL)),
            json!({"_t": "DemographicFilter", "identifier": "age",
                   "values": ["0-17", "18-29", "30-39", "40-49", "50-64", "65+"]})
        );
        assert_eq!(
            wire(&Filter::gender([
                Gender::Male,
                Gender::Female,
                Gender::Other
            ])),
            json!({"_t": "DemographicFilter", "identifier": "gender",
                   "values": ["Male", "Female", "Other"]})
        );
        assert_eq!(
            wire(&Filter::device([Device::Phone, Device::Tablet])),
            json!({"_t": "DeviceFilter", "deviceTypes": ["Phone", "Tablet"]})
        );
    }

    #[test]
    fn discriminator_comes_first() {
        let text =
            serde_json::to_string(&(Filter::country(["US"]) & !Filter::language(["en"])).to_api())
                .unwrap();
        assert!(text.starts_with(r#"{"_t":"AndFilter""#), "{text}");
        assert!(
            text.contains(r#"{"_t":"NotFilter","filter":{"_t":"LanguageFilter""#),
            "{text}"
        );
    }

    #[test]
    fn operators_compose_and_flatten() {
        let a = Filter::country(["US"]);
        let b = Filter::language(["en"]);
        let c = Filter::age([AgeGroup::Age18To29]);
        let and = a.clone() & b.clone() & c.clone();
        assert_eq!(and, Filter::And(vec![a.clone(), b.clone(), c.clone()]));
        let or = a.clone() | (b.clone() | c.clone());
        assert_eq!(or, Filter::Or(vec![a.clone(), b.clone(), c.clone()]));
        assert_eq!(
            wire(&(a.clone() & (b.clone() | !c.clone()))),
            json!({"_t": "AndFilter", "filters": [
                {"_t": "CountryFilter", "countries": ["US"]},
                {"_t": "OrFilter", "filters": [
                    {"_t": "LanguageFilter", "languages": ["en"]},
                    {"_t": "NotFilter", "filter":
                        {"_t": "DemographicFilter", "identifier": "age", "values": ["18-29"]}}]}]})
        );
        assert_eq!(
            (a & (b | !c)).to_string(),
            "country(US) & (language(en) | !age(18-29))"
        );
    }

    #[test]
    fn wire_form_round_trips() {
        let f = (Filter::country(["US"]) | Filter::gender([Gender::Female]))
            & !Filter::device([Device::Phone])
            & Filter::demographic("occupation", ["Student"])
            & Filter::demographic("age", ["17-19"]);
        let back = Filter::from_api(&f.to_api());
        assert_eq!(back, f);
        let unknown: types::IAudienceFilter =
            serde_json::from_value(json!({"_t": "PlanetFilter", "planets": ["Mars"]})).unwrap();
        let f = Filter::from(&unknown);
        assert!(matches!(f, Filter::Unknown(_)));
        assert_eq!(wire(&f), json!({"_t": "PlanetFilter", "planets": ["Mars"]}));
        let device: types::IAudienceFilter =
            serde_json::from_value(json!({"_t": "DeviceFilter", "deviceTypes": ["Watch"]}))
                .unwrap();
        assert_eq!(
            Filter::from(device),
            Filter::device([Device::Other("Watch".into())])
        );
    }

    #[test]
    fn validation_names_the_bad_part() {
        let arg = |f: Filter| {
            f.validate()
                .unwrap_err()
                .as_invalid_input()
                .unwrap()
                .clone()
        };
        let e = arg(Filter::country(["US", "us"]));
        assert_eq!(e.argument(), "filter.countries[1]");
        assert!(e.reason().contains("\"US\""), "{}", e.reason());
        let e = arg(Filter::country(["XX"]));
        assert!(e.reason().contains("ISO 3166-1"), "{}", e.reason());
        let e = arg(Filter::language(["EN"]));
        assert_eq!(e.argument(), "filter.languages[0]");
        assert!(e.reason().contains("\"en\""));
        let e = arg(Filter::language(["eng"]));
        assert!(e.reason().contains("ISO 639-1"));
        assert_eq!(
            arg(Filter::country(Vec::<String>::new())).argument(),
            "filter.countries"
        );
        assert_eq!(arg(Filter::age([])).argument(), "filter.age");
        assert_eq!(arg(Filter::gender([])).argument(), "filter.gender");
        assert_eq!(arg(Filter::device([])).argument(), "filter.devices");
        assert_eq!(arg(Filter::all([])).argument(), "filter.filters");
        assert_eq!(arg(Filter::any([])).argument(), "filter.filters");
        assert_eq!(
            arg(!(Filter::language(["en"]) | Filter::country(["U"]))).argument(),
            "filter.filter.filters[1].countries[0]"
        );
        assert_eq!(
            arg(Filter::demographic(" ", ["x"])).argument(),
            "filter.identifier"
        );
        let err = validate_all(
            "filters",
            &[Filter::country(["US"]), Filter::language(["xx"])],
        )
        .unwrap_err();
        assert_eq!(
            err.as_invalid_input().unwrap().argument(),
            "filters[1].languages[0]"
        );
    }
}
