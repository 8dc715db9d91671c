//! Bounded memory, measured: a counting allocator records the heap's high-water mark
//! while the client reads endless bodies from a raw-socket server. One test in this
//! binary, so no other test's allocations blur the figure.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::hostile::{HostileServer, Reply};
use knot_api::{Error, RetryPolicy};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Heap growth above the level when measuring started, at its highest.
fn measure_from_now() -> impl Fn() -> usize {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    move || PEAK.load(Ordering::Relaxed).saturating_sub(base)
}

const MIB: usize = 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_bodies_cost_a_bounded_amount_of_memory() {
    let endless = |status: &str| Reply::Endless {
        head: format!("HTTP/1.1 {status}\r\ncontent-type: application/json"),
        chunk: 256 * 1024,
    };
    let ok = HostileServer::always(endless("200 OK")).await;
    let failing = HostileServer::always(endless("500 Internal Server Error")).await;
    let body = knot_api::types::SessionCreateBody::builder()
        .type_(knot_api::types::SessionCreateBodyType::Link)
        .external_user_id("u");

    // Success bodies: the default 4 MiB limit.
    let knot = common::client(&ok.uri());
    let peak = measure_from_now();
    let error = knot.create_session(body.clone()).await.unwrap_err();
    let grew = peak();
    let Error::BodyTooLarge(e) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(e.limit(), 4 * MIB);
    eprintln!(
        "endless 200 body: heap peak +{:.1} MiB (limit 4 MiB)",
        grew as f64 / MIB as f64
    );
    assert!(grew < 12 * MIB, "heap grew {grew} bytes for a 4 MiB limit");

    // Error bodies across retries: each retried answer is dropped unread, only the
    // last is read, up to the 64 KiB error limit.
    let knot = common::builder(&failing.uri())
        .retry_policy(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let peak = measure_from_now();
    let error = knot.create_session(body.clone()).await.unwrap_err();
    let grew = peak();
    let Error::BodyTooLarge(e) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((e.status().as_u16(), e.limit()), (500, 64 * 1024));
    assert_eq!(failing.seen().len(), 3);
    eprintln!(
        "endless 500 body x3 attempts: heap peak +{:.2} MiB",
        grew as f64 / MIB as f64
    );
    assert!(
        grew < 4 * MIB,
        "heap grew {grew} bytes for a 64 KiB error limit"
    );

    // A declared length is not an allocation: 256 MiB declared, one byte sent, with a
    // limit that would allow it.
    let liar = HostileServer::always(Reply::Raw(
        b"HTTP/1.1 200 OK\r\ncontent-length: 268435456\r\n\r\n{".to_vec(),
    ))
    .await;
    let knot = common::builder(&liar.uri())
        .max_body_size(256 * MIB)
        .build()
        .unwrap();
    let peak = measure_from_now();
    let error = knot.create_session(body.clone()).await.unwrap_err();
    let grew = peak();
    eprintln!(
        "256 MiB declared, 1 byte sent: heap peak +{:.2} MiB ({error})",
        grew as f64 / MIB as f64
    );
    assert!(grew < MIB, "heap grew {grew} bytes for a 1-byte body");
}
