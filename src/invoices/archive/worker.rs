//! The archive builder: claims queued archives under a lease, prints their invoices one at a
//! time into a streaming ZIP, and stores it in chunks.
use super::store;
use super::{CHUNK_BYTES, LEASE_MS};
use crate::config::Seller;
use crate::db::{ids::new_id, now_ms, Db};
use crate::i18n::locale_from_code;
use crate::invoices::pdf::{file_name, invoice_pdf};
use crate::invoices::store::printed_invoice;
use crate::mail::templates::Template;
use crate::web::AppState;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// Invoices read per query while building.
const BATCH: i64 = 50;

/// The ZIP writer's output, drained into chunks between files.
#[derive(Clone, Default)]
struct Pending(Arc<Mutex<Vec<u8>>>);

impl Write for Pending {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Pending {
    fn take_if(&self, at_least: usize) -> Option<Vec<u8>> {
        let mut buffer = self.0.lock().ok()?;
        (buffer.len() >= at_least && !buffer.is_empty()).then(|| std::mem::take(&mut *buffer))
    }
}

/// What went wrong while building.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("invoice: {0}")]
    Invoice(String),
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("pdf: {0}")]
    Pdf(String),
    #[error("another instance took the archive over")]
    LeaseLost,
}

/// Builds one archive: every invoice of its period, oldest first, one PDF at a time.
pub async fn build(db: &Db, seller: &Seller, archive_id: &str, holder: &str) -> Result<(), BuildError> {
    let (account_id, from, to, locale) = store::period_of(db, archive_id).await?;
    let locale = locale_from_code(&locale);
    // A rebuild after a lost lease starts over.
    store::delete_chunks(db, archive_id).await?;
    let pending = Pending::default();
    let mut zip = zip::ZipWriter::new_stream(pending.clone());
    let options = zip::write::SimpleFileOptions::default()
        // The PDFs' streams are compressed already; deflating them again costs time for nothing.
        .compression_method(zip::CompressionMethod::Stored);
    let mut seq = 0i64;
    let mut size = 0i64;
    let mut done = 0i64;
    let mut after = (String::new(), String::new());
    let mut names = std::collections::HashSet::new();
    loop {
        let ids = store::invoices_after(db, &account_id, (&from, &to), (&after.0, &after.1), BATCH).await?;
        let Some(last) = ids.last().cloned() else { break };
        for (_, invoice_id) in &ids {
            let invoice = printed_invoice(db, &account_id, invoice_id)
                .await
                .map_err(|e| BuildError::Invoice(format!("{e:?}")))?;
            let pdf = invoice_pdf(&invoice, seller, locale).map_err(|e| BuildError::Pdf(e.to_string()))?;
            let mut name = file_name(&invoice.number);
            if !names.insert(name.clone()) {
                name = format!("{}-{invoice_id}.pdf", name.trim_end_matches(".pdf"));
            }
            let (year, month, day) = date_parts(&invoice.issue_date);
            let stamped = options
                .last_modified_time(zip::DateTime::from_date_and_time(year, month, day, 12, 0, 0).unwrap_or_default());
            zip.start_file(name, stamped)?;
            zip.write_all(&pdf).map_err(zip::result::ZipError::Io)?;
            done += 1;
            if let Some(chunk) = pending.take_if(CHUNK_BYTES) {
                size += chunk.len() as i64;
                store::store_chunk(db, archive_id, seq, chunk).await?;
                seq += 1;
            }
        }
        after = last;
        if !store::renew(db, archive_id, holder, done, LEASE_MS).await? {
            return Err(BuildError::LeaseLost);
        }
    }
    zip.finish()?;
    if let Some(chunk) = pending.take_if(0) {
        size += chunk.len() as i64;
        store::store_chunk(db, archive_id, seq, chunk).await?;
    }
    if !store::mark_ready(db, archive_id, holder, done, size).await? {
        return Err(BuildError::LeaseLost);
    }
    Ok(())
}

fn date_parts(iso: &str) -> (u16, u8, u8) {
    let mut parts = iso.split('-').map(|p| p.parse::<u16>().unwrap_or(1));
    let year = parts.next().unwrap_or(1980).max(1980);
    let month = parts.next().unwrap_or(1) as u8;
    let day = parts.next().unwrap_or(1) as u8;
    (year, month, day)
}

/// Mails the asker of a large archive that it is ready (in the outbox, like all mail).
async fn announce(db: &Db, config: &crate::config::Config, archive_id: &str) -> Result<bool, sqlx::Error> {
    let Some((email, language, from, to)) = store::asker(db, archive_id).await? else { return Ok(false) };
    let mail =
        Template::ArchiveReady { from, to, link: format!("{}/invoices/archive/{archive_id}", config.public_url) }
            .render(locale_from_code(&language), &email);
    let mut tx = db.begin_write().await?;
    crate::mail::enqueue(&mut tx, &mail, &config.mail_domain()).await?;
    tx.commit().await?;
    Ok(true)
}

/// The archive worker of this instance: builds queued archives one at a time, and sweeps (see
/// [`store::sweep`]) every hour.
pub async fn run(state: AppState, wakeup: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    let holder = new_id();
    let mut last_cleanup = 0i64;
    loop {
        if *stop.borrow() {
            return;
        }
        let now = now_ms();
        if now - last_cleanup > 3_600_000 {
            last_cleanup = now;
            if let Err(error) = store::sweep(&state.db, now).await {
                tracing::warn!(%error, "old archives and abandoned attachments could not be deleted");
            }
        }
        match store::claim(&state.db, &holder).await {
            Ok(Some(archive_id)) => {
                let Some(seller) = state.config.seller.clone() else {
                    tracing::error!("invoice archives cannot be built: the seller is not configured");
                    store::mark_failed(&state.db, &archive_id).await;
                    continue;
                };
                let started = std::time::Instant::now();
                let built = tokio::select! {
                    result = build(&state.db, &seller, &archive_id, &holder) => Some(result),
                    // A clean shutdown leaves the archive to another instance (or the next start)
                    // once the lease runs out.
                    _ = stop.changed() => None,
                };
                match built {
                    None => return,
                    Some(Ok(())) => {
                        tracing::info!(
                            archive_id,
                            elapsed_ms = started.elapsed().as_millis() as u64,
                            "invoice archive built"
                        );
                        match announce(&state.db, &state.config, &archive_id).await {
                            Ok(true) => state.wake_mail_relay(),
                            Ok(false) => {}
                            Err(error) => tracing::error!(%error, "the archive-ready mail could not be queued"),
                        }
                    }
                    Some(Err(BuildError::LeaseLost)) => {
                        tracing::warn!(archive_id, "archive taken over by another instance")
                    }
                    Some(Err(error)) => {
                        tracing::error!(%error, archive_id, "an invoice archive could not be built");
                        store::mark_failed(&state.db, &archive_id).await;
                    }
                }
            }
            Ok(None) => {
                tokio::select! {
                    _ = wakeup.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                    _ = stop.changed() => return,
                }
            }
            Err(error) => {
                tracing::error!(%error, "the archive queue could not be read; trying again in 10 s");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(10)) => {}
                    _ = stop.changed() => return,
                }
            }
        }
    }
}
