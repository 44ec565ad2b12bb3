//! The simulated crowd: labelers with a hidden skill and demographics drawn from the seed,
//! and whether one matches an audience filter.

use crate::api_types::{
    DeviceType, IAudienceFilter, IAudienceFilterAndAudienceFilter,
    IAudienceFilterCountryAudienceFilter, IAudienceFilterDemographicAudienceFilter,
    IAudienceFilterDeviceAudienceFilter, IAudienceFilterLanguageAudienceFilter,
    IAudienceFilterNotAudienceFilter, IAudienceFilterOrAudienceFilter,
};
use crate::rng::Mix;
use crate::util::round;

/// One simulated labeler. `skill` is hidden: the probability of answering correctly.
#[derive(Debug, Clone)]
pub(crate) struct Labeler {
    pub index: usize,
    pub skill: f64,
    pub country: &'static str,
    pub language: &'static str,
    pub age: &'static str,
    pub gender: &'static str,
    pub occupation: &'static str,
    pub device: DeviceType,
}

impl Labeler {
    /// The `userScores.global` value shown in results.
    pub fn score(&self) -> f64 {
        round(self.skill, 4)
    }
}

fn pick<T: Clone>(mix: Mix, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut x = (mix.u64() % u64::from(total)) as u32;
    for (v, w) in table {
        if x < *w {
            return v.clone();
        }
        x -= w;
    }
    table[table.len() - 1].0.clone()
}

const COUNTRIES: &[(&str, u32)] = &[
    ("US", 20),
    ("IN", 12),
    ("DE", 8),
    ("BR", 8),
    ("GB", 7),
    ("PH", 6),
    ("NG", 5),
    ("EG", 5),
    ("FR", 5),
    ("MX", 5),
    ("ID", 5),
    ("CA", 4),
    ("ES", 4),
    ("JP", 3),
    ("KE", 3),
];
const AGES: &[(&str, u32)] = &[
    ("18-29", 40),
    ("30-39", 28),
    ("40-49", 16),
    ("50-64", 12),
    ("65+", 4),
];
const GENDERS: &[(&str, u32)] = &[("Male", 49), ("Female", 48), ("Other", 3)];
const OCCUPATIONS: &[(&str, u32)] = &[
    ("Student", 25),
    ("Employed full-time", 35),
    ("Employed part-time", 12),
    ("Self-employed", 10),
    ("Not currently working", 13),
    ("Retired", 5),
];
const DEVICES: &[(DeviceType, u32)] = &[
    (DeviceType::Phone, 80),
    (DeviceType::Tablet, 12),
    (DeviceType::Unknown, 8),
];

fn language_of(country: &str, mix: Mix) -> &'static str {
    let u = mix.unit();
    match country {
        "IN" if u < 0.3 => "hi",
        "CA" if u < 0.2 => "fr",
        "US" if u < 0.1 => "es",
        "US" | "IN" | "GB" | "PH" | "NG" | "CA" | "KE" => "en",
        "DE" => "de",
        "BR" => "pt",
        "EG" => "ar",
        "FR" => "fr",
        "MX" | "ES" => "es",
        "ID" => "id",
        "JP" => "ja",
        _ => "en",
    }
}

/// The labeler pool of a seed: skill uniform in [0.5, 1.0), attributes from fixed weights.
pub(crate) fn labelers(seed: u64, n: usize) -> Vec<Labeler> {
    (0..n)
        .map(|i| {
            let m = |field: &str| Mix::new(seed, "labeler").num(i as u64).str(field);
            let country = pick(m("country"), COUNTRIES);
            Labeler {
                index: i,
                skill: 0.5 + 0.5 * m("skill").unit(),
                country,
                language: language_of(country, m("language")),
                age: pick(m("age"), AGES),
                gender: pick(m("gender"), GENDERS),
                occupation: pick(m("occupation"), OCCUPATIONS),
                device: pick(m("device"), DEVICES),
            }
        })
        .collect()
}

/// Whether a labeler passes an audience filter.
pub(crate) fn matches(filter: &IAudienceFilter, l: &Labeler) -> bool {
    match filter {
        IAudienceFilter::AndFilter(IAudienceFilterAndAudienceFilter { filters, .. }) => {
            filters.iter().all(|f| matches(f, l))
        }
        IAudienceFilter::OrFilter(IAudienceFilterOrAudienceFilter { filters, .. }) => {
            filters.iter().any(|f| matches(f, l))
        }
        IAudienceFilter::NotFilter(IAudienceFilterNotAudienceFilter { filter, .. }) => {
            !matches(filter, l)
        }
        IAudienceFilter::CountryFilter(IAudienceFilterCountryAudienceFilter {
            countries, ..
        }) => countries.iter().any(|c| c.eq_ignore_ascii_case(l.country)),
        IAudienceFilter::LanguageFilter(IAudienceFilterLanguageAudienceFilter {
            languages,
            ..
        }) => languages
            .iter()
            .any(|c| c.as_str().eq_ignore_ascii_case(l.language)),
        IAudienceFilter::DeviceFilter(IAudienceFilterDeviceAudienceFilter {
            device_types, ..
        }) => device_types.contains(&l.device),
        IAudienceFilter::DemographicFilter(IAudienceFilterDemographicAudienceFilter {
            identifier,
            values,
            ..
        }) => {
            let value = match identifier.to_ascii_lowercase().as_str() {
                "age" => l.age,
                "gender" => l.gender,
                "occupation" => l.occupation,
                _ => return false,
            };
            values.iter().any(|v| v.eq_ignore_ascii_case(value))
        }
        // Rejected when the request is parsed; never stored.
        _ => false,
    }
}

/// The curated "Alignment" audience: labelers with skill ≥ 0.7.
pub(crate) const CURATED_MIN_SKILL: f64 = 0.7;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_is_deterministic_and_in_range() {
        let a = labelers(42, 300);
        let b = labelers(42, 300);
        assert_eq!(a.len(), 300);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.skill, y.skill);
            assert_eq!(x.country, y.country);
            assert!((0.5..1.0).contains(&x.skill));
        }
        assert_ne!(labelers(43, 1)[0].skill, a[0].skill);
    }
}
