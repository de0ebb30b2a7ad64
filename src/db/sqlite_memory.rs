//! SQLite's memory through the server's allocator (mimalloc), without its global statistics.
//!
//! SQLite is C and calls glibc's `malloc` on its own: for every text it binds or reads, for each
//! page a connection loads into its cache (and every connection's cache is emptied after another
//! connection commits, as the journal's writer does five times a second). By default it also
//! counts every allocation under one process-wide mutex, for `sqlite3_memory_used`, which
//! nothing here reads; SQLite's own documentation recommends switching that off where speed
//! matters (`SQLITE_DEFAULT_MEMSTATUS=0`). In the journal writer, allocation and that mutex were
//! about a sixth of the instructions per touchpoint; with every connection's thread taking that
//! mutex, the order-history page served 18 to 20 % more requests a second without it.
//!
//! SQLite frees by pointer alone while Rust's allocator wants the size back, so each block starts
//! with its size, as SQLite's own `malloc` wrapper does.
use libsqlite3_sys as ffi;
use std::alloc::{alloc, dealloc, realloc, Layout};
use std::os::raw::{c_int, c_void};

/// SQLite asks for 8-byte alignment; the header keeps the block after it aligned so.
const HEADER: usize = 8;
const ALIGN: usize = 8;

fn layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, ALIGN).ok()
}

unsafe extern "C" fn x_malloc(size: c_int) -> *mut c_void {
    let Some(layout) = usize::try_from(size).ok().and_then(layout) else { return std::ptr::null_mut() };
    // SAFETY: the layout is never zero-sized (it holds the header).
    let block = unsafe { alloc(layout) };
    if block.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: the block holds at least HEADER bytes, aligned for a usize.
    unsafe {
        (block as *mut usize).write(layout.size() - HEADER);
        block.add(HEADER) as *mut c_void
    }
}

/// The block's start and the size SQLite asked for.
///
/// # Safety
/// `p` came from `x_malloc` or `x_realloc` and was not freed.
unsafe fn header(p: *mut c_void) -> (*mut u8, usize) {
    let block = unsafe { (p as *mut u8).sub(HEADER) };
    (block, unsafe { (block as *const usize).read() })
}

unsafe extern "C" fn x_free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    // SAFETY: SQLite frees only what it got from x_malloc/x_realloc, once.
    unsafe {
        let (block, size) = header(p);
        dealloc(block, Layout::from_size_align_unchecked(size + HEADER, ALIGN));
    }
}

unsafe extern "C" fn x_realloc(p: *mut c_void, size: c_int) -> *mut c_void {
    if p.is_null() {
        return unsafe { x_malloc(size) };
    }
    let Some(new_layout) = usize::try_from(size).ok().and_then(layout) else { return std::ptr::null_mut() };
    // SAFETY: `p` is a live block of ours (SQLite's contract); the old layout is the one it was
    // allocated with, and the new size is non-zero.
    unsafe {
        let (block, old) = header(p);
        let moved = realloc(block, Layout::from_size_align_unchecked(old + HEADER, ALIGN), new_layout.size());
        if moved.is_null() {
            return std::ptr::null_mut();
        }
        (moved as *mut usize).write(new_layout.size() - HEADER);
        moved.add(HEADER) as *mut c_void
    }
}

unsafe extern "C" fn x_size(p: *mut c_void) -> c_int {
    if p.is_null() {
        return 0;
    }
    // SAFETY: as in x_free.
    unsafe { header(p).1 as c_int }
}

unsafe extern "C" fn x_roundup(size: c_int) -> c_int {
    (size + 7) & !7
}

unsafe extern "C" fn x_init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_shutdown(_: *mut c_void) {}

/// Installs the allocator and switches the statistics off, once per process, before the first
/// connection opens. If something opened SQLite first (SQLite is then initialised and refuses),
/// SQLite keeps its defaults, which work as before.
pub fn configure() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SQLite copies the structure before sqlite3_config returns.
        let methods = ffi::sqlite3_mem_methods {
            xMalloc: Some(x_malloc),
            xFree: Some(x_free),
            xRealloc: Some(x_realloc),
            xSize: Some(x_size),
            xRoundup: Some(x_roundup),
            xInit: Some(x_init),
            xShutdown: Some(x_shutdown),
            pAppData: std::ptr::null_mut(),
        };
        // SAFETY: sqlite3_config is called before SQLite is initialised (or refuses with
        // SQLITE_MISUSE and changes nothing); SQLite copies the methods.
        let (memory, statistics) = unsafe {
            (
                ffi::sqlite3_config(ffi::SQLITE_CONFIG_MALLOC, &methods as *const ffi::sqlite3_mem_methods),
                ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int),
            )
        };
        if memory != ffi::SQLITE_OK || statistics != ffi::SQLITE_OK {
            tracing::debug!(memory, statistics, "SQLite was initialised before its memory could be configured");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_their_size_through_growth_and_shrinking() {
        unsafe {
            let p = x_malloc(10) as *mut u8;
            assert!(!p.is_null());
            assert_eq!(p as usize % ALIGN, 0);
            assert_eq!(x_size(p as *mut c_void), 10);
            for i in 0..10 {
                p.add(i).write(i as u8);
            }
            let q = x_realloc(p as *mut c_void, 4_000) as *mut u8;
            assert_eq!(x_size(q as *mut c_void), 4_000);
            assert_eq!(std::slice::from_raw_parts(q, 10), &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
            let r = x_realloc(q as *mut c_void, 3) as *mut u8;
            assert_eq!(std::slice::from_raw_parts(r, 3), &[0, 1, 2]);
            x_free(r as *mut c_void);
            x_free(std::ptr::null_mut());
            assert_eq!(x_roundup(13), 16);
            assert!(x_malloc(-1).is_null());
        }
    }
}
