//! Generates the typed translation module (`crate::i18n`) from `src/i18n/locales/*.json`.
//! A missing or misspelt key in any language is a compile error, not a blank label at run time.
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    // `sqlx::migrate!` embeds the migrations at compile time but cannot tell cargo to watch them.
    println!("cargo::rerun-if-changed=migrations");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let config = Config::new("en")?
        .add_locales(["pl", "ru"])?
        .locales_path("src/i18n/locales")
        .parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.rerun_if_locales_changed();
    translations.emit_diagnostics();
    translations.generate_i18n_module(out_dir.join("i18n"))?;
    Ok(())
}
