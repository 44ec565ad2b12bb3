//! Settings: switches that change how a task is shown to labelers.
//!
//! A [`Setting`] is a key and a string value. On the wire it becomes a feature flag
//! `{"key": "...", "value": "..."}`: in a qualification example's `featureFlags`, and in a
//! job definition's `rapidFeatureFlags` (target [`SettingTarget::Rapids`], every built-in
//! setting) or `campaignFeatureFlags` (target [`SettingTarget::Campaign`], only custom
//! settings made with [`Setting::custom_campaign`]).
//!
//! Boolean settings are sent with the value `"true"` (lower case).
//!
//! ```
//! use rapidata::Setting;
//!
//! let settings = [Setting::no_shuffle(), Setting::compare_unsure(3000)];
//! assert_eq!(settings[0].key(), "no_shuffle");
//! assert_eq!(settings[0].value(), "true");
//! assert_eq!(settings[1].value(), "3000");
//! ```

use std::fmt;

use crate::api::types;

/// Where a [`Setting`] is applied.
///
/// ```
/// use rapidata::{Setting, SettingTarget};
///
/// assert_eq!(Setting::no_mistake().target(), SettingTarget::Rapids);
/// assert_eq!(Setting::custom_campaign("k", "v").target(), SettingTarget::Campaign);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SettingTarget {
    /// The individual tasks (rapids) labelers answer; sent in `rapidFeatureFlags`.
    #[default]
    Rapids,
    /// The campaign that distributes the tasks; sent in `campaignFeatureFlags`.
    Campaign,
}

/// One setting: a key, a string value and a [`SettingTarget`].
///
/// Build one with the constructors named after the settings (`Setting::no_shuffle()`, …) or
/// with [`Setting::custom`] for a key this crate does not know yet.
///
/// ```
/// use rapidata::Setting;
///
/// let s = Setting::custom("my_new_flag", true);
/// assert_eq!((s.key(), s.value()), ("my_new_flag", "true"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Setting {
    key: String,
    value: String,
    target: SettingTarget,
}

impl Setting {
    fn flag(key: &str) -> Setting {
        Setting::custom(key, true)
    }

    /// A setting with any key and value, applied to the tasks ([`SettingTarget::Rapids`]).
    ///
    /// The value is sent as its `Display` text, so `true` becomes `"true"` and `5000`
    /// becomes `"5000"`.
    ///
    /// ```
    /// use rapidata::Setting;
    ///
    /// assert_eq!(Setting::custom("free_text_max_characters", 200).value(), "200");
    /// ```
    pub fn custom(key: impl Into<String>, value: impl fmt::Display) -> Setting {
        Setting {
            key: key.into(),
            value: value.to_string(),
            target: SettingTarget::Rapids,
        }
    }

    /// A setting with any key and value, applied to the campaign
    /// ([`SettingTarget::Campaign`]; sent in a job definition's `campaignFeatureFlags`).
    ///
    /// ```
    /// use rapidata::{Setting, SettingTarget};
    ///
    /// let s = Setting::custom_campaign("sticky", true);
    /// assert_eq!(s.target(), SettingTarget::Campaign);
    /// ```
    pub fn custom_campaign(key: impl Into<String>, value: impl fmt::Display) -> Setting {
        Setting::custom(key, value).with_target(SettingTarget::Campaign)
    }

    /// The same setting with another target.
    ///
    /// ```
    /// use rapidata::{Setting, SettingTarget};
    ///
    /// let s = Setting::custom("k", 1).with_target(SettingTarget::Campaign);
    /// assert_eq!(s.target(), SettingTarget::Campaign);
    /// ```
    pub fn with_target(mut self, target: SettingTarget) -> Setting {
        self.target = target;
        self
    }

    /// `no_shuffle`: keep the answer options in the given order instead of shuffling them.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::no_shuffle().key(), "no_shuffle");
    /// ```
    pub fn no_shuffle() -> Setting {
        Setting::flag("no_shuffle")
    }

    /// `compare_unsure`: in comparisons, offer "both" / "neither" answers after
    /// `delay_ms` milliseconds.
    ///
    /// ```
    /// let s = rapidata::Setting::compare_unsure(2000);
    /// assert_eq!((s.key(), s.value()), ("compare_unsure", "2000"));
    /// ```
    pub fn compare_unsure(delay_ms: u32) -> Setting {
        Setting::custom("compare_unsure", delay_ms)
    }

    /// `compare_unsure` with the official SDK's default delay of 5000 ms (the SDK's
    /// `AllowNeitherBoth` setting).
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::allow_neither_both().value(), "5000");
    /// ```
    pub fn allow_neither_both() -> Setting {
        Setting::compare_unsure(5000)
    }

    /// `use_main_text_markdown`: render the text asset as Markdown.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::markdown().key(), "use_main_text_markdown");
    /// ```
    pub fn markdown() -> Setting {
        Setting::flag("use_main_text_markdown")
    }

    /// `mute_video_asset`: play videos without sound.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::mute_video().key(), "mute_video_asset");
    /// ```
    pub fn mute_video() -> Setting {
        Setting::flag("mute_video_asset")
    }

    /// `media_played_percentage`: how much of a video or audio asset (in percent, 0–100)
    /// must have played before the labeler can answer.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::media_played_percentage(80).value(), "80");
    /// ```
    pub fn media_played_percentage(percent: u8) -> Setting {
        Setting::custom("media_played_percentage", percent)
    }

    /// `swap_question_and_prompt`: show the context above the instruction.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::swap_question_and_prompt().key(), "swap_question_and_prompt");
    /// ```
    pub fn swap_question_and_prompt() -> Setting {
        Setting::flag("swap_question_and_prompt")
    }

    /// `force_original_language`: do not translate the instruction and texts.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::force_original_language().key(), "force_original_language");
    /// ```
    pub fn force_original_language() -> Setting {
        Setting::flag("force_original_language")
    }

    /// `no_mistake`: hide the "I made a mistake" option.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::no_mistake().key(), "no_mistake");
    /// ```
    pub fn no_mistake() -> Setting {
        Setting::flag("no_mistake")
    }

    /// `disable_autoloop`: do not loop videos automatically.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::disable_autoloop().key(), "disable_autoloop");
    /// ```
    pub fn disable_autoloop() -> Setting {
        Setting::flag("disable_autoloop")
    }

    /// `no_aux_text`: hide the auxiliary text below the asset.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::no_aux_text().key(), "no_aux_text");
    /// ```
    pub fn no_aux_text() -> Setting {
        Setting::flag("no_aux_text")
    }

    /// `keyboard_numeric`: show a numeric keyboard for free-text answers.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::keyboard_numeric().key(), "keyboard_numeric");
    /// ```
    pub fn keyboard_numeric() -> Setting {
        Setting::flag("keyboard_numeric")
    }

    /// `free_text_max_characters`: the longest free-text answer accepted.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::free_text_max_characters(280).value(), "280");
    /// ```
    pub fn free_text_max_characters(n: u32) -> Setting {
        Setting::custom("free_text_max_characters", n)
    }

    /// `free_text_minimum_characters`: the shortest free-text answer accepted.
    ///
    /// ```
    /// let s = rapidata::Setting::free_text_min_characters(5);
    /// assert_eq!(s.key(), "free_text_minimum_characters");
    /// ```
    pub fn free_text_min_characters(n: u32) -> Setting {
        Setting::custom("free_text_minimum_characters", n)
    }

    /// `locate_max_points`: the most points a labeler may set in a locate task.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::locate_max_points(3).value(), "3");
    /// ```
    pub fn locate_max_points(n: u32) -> Setting {
        Setting::custom("locate_max_points", n)
    }

    /// `locate_min_points`: the fewest points a labeler must set in a locate task.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::locate_min_points(1).key(), "locate_min_points");
    /// ```
    pub fn locate_min_points(n: u32) -> Setting {
        Setting::custom("locate_min_points", n)
    }

    /// `compare_panorama`: show compared images as panoramas.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::compare_panorama().key(), "compare_panorama");
    /// ```
    pub fn compare_panorama() -> Setting {
        Setting::flag("compare_panorama")
    }

    /// `compare_equirectangular`: show compared images as 360° equirectangular views.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::compare_equirectangular().key(), "compare_equirectangular");
    /// ```
    pub fn compare_equirectangular() -> Setting {
        Setting::flag("compare_equirectangular")
    }

    /// `classify_equirectangular`: show the classified image as a 360° equirectangular view.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::classify_equirectangular().key(), "classify_equirectangular");
    /// ```
    pub fn classify_equirectangular() -> Setting {
        Setting::flag("classify_equirectangular")
    }

    /// `media_context_persistent_thumbnail`: show the media context next to the task for
    /// the whole task instead of inside the collapsible context drawer (for judging assets
    /// against a reference; a multi-asset context shows its first asset).
    ///
    /// ```
    /// let s = rapidata::Setting::pin_context_media();
    /// assert_eq!((s.key(), s.value()), ("media_context_persistent_thumbnail", "true"));
    /// ```
    pub fn pin_context_media() -> Setting {
        Setting::flag("media_context_persistent_thumbnail")
    }

    /// `reference_overlay`: for a compare task of two edited images and one reference
    /// image (the media context), show the reference over both sides first, then reveal
    /// the edits; labelers can switch between them.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::reference_overlay().key(), "reference_overlay");
    /// ```
    pub fn reference_overlay() -> Setting {
        Setting::flag("reference_overlay")
    }

    /// `translate_text_assets`: translate text items into the labeler's language.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::translate_text_assets().key(), "translate_text_assets");
    /// ```
    pub fn translate_text_assets() -> Setting {
        Setting::flag("translate_text_assets")
    }

    /// The key sent on the wire.
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::mute_video().key(), "mute_video_asset");
    /// ```
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value sent on the wire (always a string; booleans are `"true"`).
    ///
    /// ```
    /// assert_eq!(rapidata::Setting::no_shuffle().value(), "true");
    /// ```
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Where the setting is applied.
    ///
    /// ```
    /// use rapidata::{Setting, SettingTarget};
    /// assert_eq!(Setting::no_shuffle().target(), SettingTarget::Rapids);
    /// ```
    pub fn target(&self) -> SettingTarget {
        self.target
    }

    /// The wire form `{"key": …, "value": …}`.
    pub(crate) fn to_feature_flag(&self) -> types::FeatureFlag {
        types::FeatureFlag::new(self.key.clone(), self.value.clone())
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

/// Splits settings into the feature flags for the tasks (`rapidFeatureFlags`) and for the
/// campaign (`campaignFeatureFlags`), keeping their order.
#[allow(dead_code)] // used by job definitions
pub(crate) fn split_feature_flags(
    settings: &[Setting],
) -> (Vec<types::FeatureFlag>, Vec<types::FeatureFlag>) {
    let mut rapids = Vec::new();
    let mut campaign = Vec::new();
    for s in settings {
        match s.target {
            SettingTarget::Rapids => rapids.push(s.to_feature_flag()),
            SettingTarget::Campaign => campaign.push(s.to_feature_flag()),
        }
    }
    (rapids, campaign)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_flags_use_lower_case_booleans() {
        let json = serde_json::to_value(Setting::no_shuffle().to_feature_flag()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"key": "no_shuffle", "value": "true"})
        );
        let json = serde_json::to_value(Setting::allow_neither_both().to_feature_flag()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"key": "compare_unsure", "value": "5000"})
        );
    }

    #[test]
    fn settings_split_by_target() {
        let (rapids, campaign) = split_feature_flags(&[
            Setting::no_shuffle(),
            Setting::custom_campaign("c", false),
            Setting::mute_video(),
        ]);
        assert_eq!(rapids.len(), 2);
        assert_eq!(campaign[0].key, "c");
        assert_eq!(campaign[0].value, "false");
        assert_eq!(Setting::no_shuffle().to_string(), "no_shuffle=true");
    }
}
