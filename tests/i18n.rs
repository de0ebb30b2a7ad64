//! Every language has every string, and none is left empty or untranslated by accident.
use std::collections::BTreeMap;

fn load(language: &str) -> BTreeMap<String, String> {
    let path = format!("{}/src/i18n/locales/{language}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

const SAME_IN_EVERY_LANGUAGE: &[(&str, &str)] = &[
    ("pl", "app_name"),
    ("ru", "app_name"),
    ("pl", "staff_role_admin"),
    ("pl", "staff_users_status"),
    ("pl", "orders_status"),
    ("pl", "orders_col_status"),
    ("pl", "order_col_vat"),
    ("pl", "country_ee"),
    ("pl", "country_at"),
    ("pl", "channel_api"),
    ("ru", "channel_api"),
    ("pl", "channel_email"),
    ("ru", "channel_email"),
];

#[test]
fn every_language_has_every_key_and_no_empty_string() {
    let english = load("en");
    for language in ["pl", "ru"] {
        let other = load(language);
        let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{language}: missing {missing:?}, extra {extra:?}");
        for (key, text) in &other {
            assert!(!text.trim().is_empty(), "{language}.{key} is empty");
            // Names and international words are the same everywhere; any other identical string
            // is an untranslated copy.
            if !SAME_IN_EVERY_LANGUAGE.contains(&(language, key.as_str())) {
                assert_ne!(text, &english[key], "{language}.{key} is still English");
            }
        }
    }
}
