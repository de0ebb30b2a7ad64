//! The page frame: skip link, header with navigation and language switcher, main, footer.
use crate::error::AppError;
use crate::i18n::*;
use crate::kernel::viewer::Viewer;
use crate::ui::viewer::{use_viewer, SignOutButton};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let header = view! {
        // rel="external" keeps the client-side router from taking over the click, so the browser
        // moves focus to <main> as it does before hydration.
        <a class="skip-link" href="#main" rel="external">
            {t!(i18n, skip_to_content)}
        </a>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true">"◆"</span>
                    <span class="brand__name">{t!(i18n, app_name)}</span>
                </a>
                <MainNav />
                <LanguageSwitcher />
            </div>
        </header>
    };
    let footer = view! {
        <footer class="site-footer">
            <p>{t!(i18n, footer_text)}</p>
            <p class="site-footer__small">{t!(i18n, footer_privacy)}</p>
        </footer>
    };
    view! {
        {header}
        <main id="main" class="site-main" tabindex="-1">
            {children()}
        </main>
        {footer}
    }
}

/// The areas of whoever is signed in: customer areas for members and visitors, the staff area
/// for staff.
#[component]
fn MainNav() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    let links = match &viewer {
        Viewer::Staff(_) => view! {
            <NavLink href="/staff">{t!(i18n, nav_staff)}</NavLink>
            <NavLink href="/cx">{t!(i18n, nav_cx)}</NavLink>
        }
        .into_any(),
        _ => view! {
            <NavLink href="/account">{t!(i18n, nav_account)}</NavLink>
            <NavLink href="/orders">{t!(i18n, nav_orders)}</NavLink>
            <NavLink href="/invoices">{t!(i18n, nav_invoices)}</NavLink>
            <NavLink href="/corrections">{t!(i18n, nav_corrections)}</NavLink>
            <NavLink href="/complaints">{t!(i18n, nav_complaints)}</NavLink>
        }
        .into_any(),
    };
    let who = match &viewer {
        Viewer::Member(m) => Some(m.full_name.clone()),
        Viewer::Staff(s) => Some(s.full_name.clone()),
        Viewer::Anonymous => None,
    };
    view! {
        <nav class="main-nav" aria-label=move || t_string!(i18n, nav_label)>
            <ul class="main-nav__list">{links}</ul>
            {match who {
                Some(name) => view! {
                    <span class="main-nav__who">{name}</span>
                    <SignOutButton />
                }
                .into_any(),
                None => view! {
                    <a class="button button--small" href="/sign-in">
                        {t!(i18n, nav_sign_in)}
                    </a>
                }
                .into_any(),
            }}
        </nav>
    }
}

/// A navigation link that tells assistive technology which page is the current one.
#[component]
fn NavLink(href: &'static str, children: Children) -> impl IntoView {
    let location = use_location();
    let current = move || {
        let path = location.pathname.get();
        (path == href || path.starts_with(&format!("{href}/"))).then_some("page")
    };
    view! {
        <li>
            <a class="main-nav__link" href=href aria-current=current>
                {children()}
            </a>
        </li>
    }
}

/// A plain form, so that it works before (and without) hydration; the choice is kept in a
/// cookie and the visitor returns to the page they were on.
#[component]
fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let next = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    let options = [(Locale::en, "English"), (Locale::pl, "Polski"), (Locale::ru, "Русский")];
    view! {
        <form class="language-switcher" method="post" action="/api/set_language">
            <input type="hidden" name="next" value=next />
            <label for="language-select" class="language-switcher__label">
                {t!(i18n, language_label)}
            </label>
            <select id="language-select" name="locale">
                {options
                    .into_iter()
                    .map(|(locale, name)| {
                        let lang = locale.as_str();
                        view! {
                            <option value=lang lang=lang selected=move || i18n.get_locale() == locale>
                                {name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="button button--small button--quiet">
                {t!(i18n, language_apply)}
            </button>
        </form>
    }
}

/// Remembers the visitor's language and sends them back to `next` (a path on this site only).
#[server(prefix = "/api", endpoint = "set_language")]
pub async fn set_language(locale: String, next: String) -> Result<(), AppError> {
    use axum::http::{header::SET_COOKIE, HeaderValue, StatusCode};
    let response = use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
    let Some(cookie) = crate::i18n::choice::language_cookie(&locale) else {
        response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
        return Err(AppError::validation("locale", "unsupported"));
    };
    response.append_header(SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|_| AppError::Internal)?);
    leptos_axum::redirect(crate::i18n::choice::safe_next(&next));
    Ok(())
}
