//! The parse benchmark: the generated reader against what users would otherwise write, on the
//! same bytes.
//!
//! Run it (about a minute with the defaults) with
//!
//! ```sh
//! cargo bench -p emma-perf --bench parse
//! EMMA_PERF_ROUNDS=400 EMMA_PERF_TARGET_MS=25 cargo bench -p emma-perf --bench parse   # longer
//! ```
//!
//! `EMMA_PERF_ROUNDS` (default 200) is the number of rounds; `EMMA_PERF_TARGET_MS` (default 15)
//! about how long each contender runs in each key order in each round (short rounds, so that
//! the twelve runs of a round see the same load on a shared machine);
//! `EMMA_PERF_RESOURCE_URL_PERCENT` (default 100) the share of deliveries with a top-level
//! `resource_url`. Without `--bench`
//! (which `cargo bench` passes), as under `cargo test --benches`, it only builds the corpus and
//! checks that every contender accepts every delivery, and times nothing.
//!
//! The corpus (`emma_perf::corpus`) holds every one of the 21 events in equal measure, built
//! from the schema's examples with varied IDs, a top-level `resource_url` as in real captures,
//! and 5% of deliveries with 200 member IDs; it is written once with `event_name` first and
//! once with `data` first. Every contender parses every delivery from `&[u8]`:
//!
//! - `emma_events::Event::from_slice`, the generated reader (lossless: keeps unknown keys);
//! - the lossy derive on serde_json: `emma_perf::derived::LossyDelivery`, an adjacently tagged
//!   enum over 21 derived structs with plain field types, nothing kept beyond them;
//! - the lossless derive on serde_json: `emma_perf::lossless::LosslessDelivery`, the same with
//!   `#[serde(flatten)]` extras at the `data` level and at the envelope level;
//! - `serde_json::Value`;
//! - `sonic_rs::Value`;
//! - sonic-rs with the lossy derive (`sonic_rs::from_slice::<LossyDelivery>`).
//!
//! Before timing, every contender must accept every delivery in both orders (and the lossless
//! derive must have kept the top-level `resource_url`). In each round every contender runs over
//! the whole corpus in both orders, in an order rotated from round to round; its time per
//! delivery is divided by the generated reader's in the same round and order, and the table
//! gives the median of those ratios (the machine's drift cancels within a round), with their
//! quartiles, the median time per delivery and the throughput.

use emma_events::Event;
use emma_perf::corpus::{self, Corpus, KeyOrder};
use emma_perf::derived::LossyDelivery;
use emma_perf::lossless::LosslessDelivery;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Runs a parser over every delivery and counts those it accepted.
type Run = fn(&[Vec<u8>]) -> usize;
/// Parses one delivery, saying why it was not accepted.
type Check = fn(&[u8]) -> Result<(), String>;

struct Contender {
    name: &'static str,
    /// The generated reader's speedup over this contender that issue 10 asks for.
    goal: Option<f64>,
    run: Run,
    check: Check,
}

/// A timing loop over the corpus for a parser `fn(&[u8]) -> Result<T, E>`: the result is
/// passed through `black_box` and dropped, as a receiver would.
macro_rules! run {
    ($parse:expr) => {
        |deliveries: &[Vec<u8>]| {
            let mut accepted = 0;
            for delivery in deliveries {
                let parsed = $parse(black_box(delivery.as_slice()));
                accepted += usize::from(parsed.is_ok());
                black_box(&parsed);
            }
            accepted
        }
    };
}

fn contenders() -> Vec<Contender> {
    vec![
        Contender {
            name: "emma_events::Event::from_slice (generated)",
            goal: None,
            run: run!(Event::from_slice),
            check: |bytes| match Event::from_slice(bytes) {
                Ok(Event::Unknown(_)) => Err("parsed as an unknown event".to_owned()),
                Ok(_) => Ok(()),
                Err(error) => Err(error.to_string()),
            },
        },
        Contender {
            name: "lossy derive, serde_json",
            goal: Some(1.2),
            run: run!(serde_json::from_slice::<LossyDelivery>),
            check: |bytes| {
                serde_json::from_slice::<LossyDelivery>(bytes)
                    .map(drop)
                    .map_err(|error| error.to_string())
            },
        },
        Contender {
            name: "lossless derive (flatten extras), serde_json",
            goal: Some(2.5),
            run: run!(serde_json::from_slice::<LosslessDelivery>),
            check: |bytes| match serde_json::from_slice::<LosslessDelivery>(bytes) {
                Ok(delivery) => {
                    let sent = serde_json::from_slice::<serde_json::Value>(bytes)
                        .map_err(|error| error.to_string())?
                        .get("resource_url")
                        .cloned();
                    if delivery.extra.get("resource_url") == sent.as_ref() {
                        Ok(())
                    } else {
                        Err("the top-level resource_url was not kept".to_owned())
                    }
                }
                Err(error) => Err(error.to_string()),
            },
        },
        Contender {
            name: "serde_json::Value",
            goal: None,
            run: run!(serde_json::from_slice::<serde_json::Value>),
            check: |bytes| {
                serde_json::from_slice::<serde_json::Value>(bytes)
                    .map(drop)
                    .map_err(|error| error.to_string())
            },
        },
        Contender {
            name: "sonic_rs::Value",
            goal: Some(1.0),
            run: run!(sonic_rs::from_slice::<sonic_rs::Value>),
            check: |bytes| {
                sonic_rs::from_slice::<sonic_rs::Value>(bytes)
                    .map(drop)
                    .map_err(|error| error.to_string())
            },
        },
        Contender {
            name: "lossy derive, sonic-rs",
            goal: None,
            run: run!(sonic_rs::from_slice::<LossyDelivery>),
            check: |bytes| {
                sonic_rs::from_slice::<LossyDelivery>(bytes)
                    .map(drop)
                    .map_err(|error| error.to_string())
            },
        },
    ]
}

/// Index of the generated reader in [`contenders`]: the reference of every ratio.
const EMMA: usize = 0;

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a whole number")),
        Err(_) => default,
    }
}

fn main() {
    let timing = std::env::args().any(|arg| arg == "--bench");
    let rounds = env_number("EMMA_PERF_ROUNDS", 200).max(1) as usize;
    let target = Duration::from_millis(env_number("EMMA_PERF_TARGET_MS", 15).max(1));

    let resource_url_percent = env_number("EMMA_PERF_RESOURCE_URL_PERCENT", 100).min(100);
    let corpus = corpus::build(&corpus::Options {
        resource_url_share: resource_url_percent as f64 / 100.0,
        ..corpus::Options::default()
    });
    let contenders = contenders();
    check_every_delivery(&corpus, &contenders);
    println!(
        "corpus: {} deliveries per key order ({} with a 200-ID selection, {resource_url_percent}% with a top-level resource_url), mean size {:.1} bytes, {} bytes in all; every contender accepts every delivery in both orders",
        corpus.len(),
        corpus.big_selections,
        corpus.mean_size(),
        corpus.total_bytes()
    );
    if !timing {
        println!("not timed: run `cargo bench -p emma-perf --bench parse` to time it");
        return;
    }

    print_setting(rounds, target);
    let times = measure(&corpus, &contenders, rounds, target);
    report(&corpus, &contenders, &times);
}

fn check_every_delivery(corpus: &Corpus, contenders: &[Contender]) {
    for order in KeyOrder::ALL {
        for contender in contenders {
            for (i, delivery) in corpus.deliveries(order).iter().enumerate() {
                if let Err(error) = (contender.check)(delivery) {
                    panic!(
                        "{} rejects delivery {i} ({}): {error}\n{}",
                        contender.name,
                        order.label(),
                        String::from_utf8_lossy(delivery)
                    );
                }
            }
            let accepted = (contender.run)(corpus.deliveries(order));
            assert_eq!(accepted, corpus.len(), "{}", contender.name);
        }
    }
}

fn print_setting(rounds: usize, target: Duration) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    let overrides: Vec<String> = [
        "EMMA_PERF_ROUNDS",
        "EMMA_PERF_TARGET_MS",
        "EMMA_PERF_RESOURCE_URL_PERCENT",
        "RUSTFLAGS",
    ]
    .iter()
    .filter_map(|name| std::env::var(name).ok().map(|v| format!("{name}={v:?} ")))
    .collect();
    // With `preserve_order`, serde_json's maps keep received order (an IndexMap); without it
    // they sort their keys (a BTreeMap). Either way the same bytes are parsed.
    let preserve_order = serde_json::from_str::<serde_json::Value>(r#"{"b":1,"a":2}"#)
        .ok()
        .and_then(|value| value.as_object()?.keys().next().cloned())
        .is_some_and(|first| first == "b");
    println!("machine: {cores} cores (nproc), {cpu}");
    println!("date: {date}");
    println!(
        "command: {}cargo bench -p emma-perf --bench parse",
        overrides.concat()
    );
    println!(
        "build: avx2 {}, serde_json preserve_order {}; {rounds} rounds, about {} ms per contender and key order per round",
        if cfg!(target_feature = "avx2") {
            "on"
        } else {
            "off (add RUSTFLAGS=\"-C target-cpu=native\" for sonic-rs's SIMD paths)"
        },
        if preserve_order { "on" } else { "off" },
        target.as_millis()
    );
}

/// `times[round][order][contender]`: nanoseconds per delivery.
type Times = Vec<[Vec<f64>; 2]>;

fn measure(corpus: &Corpus, contenders: &[Contender], rounds: usize, target: Duration) -> Times {
    // Calibrate: how many passes over the corpus make about `target` for each contender.
    let mut passes = [vec![1u32; contenders.len()], vec![1u32; contenders.len()]];
    for (o, order) in KeyOrder::ALL.into_iter().enumerate() {
        let deliveries = corpus.deliveries(order);
        for (c, contender) in contenders.iter().enumerate() {
            black_box((contender.run)(deliveries)); // warm up
            let start = Instant::now();
            black_box((contender.run)(deliveries));
            let once = start.elapsed().max(Duration::from_micros(1));
            passes[o][c] = (target.as_secs_f64() / once.as_secs_f64()).ceil().max(1.0) as u32;
        }
    }

    let jobs: Vec<(usize, usize)> = (0..2)
        .flat_map(|o| (0..contenders.len()).map(move |c| (o, c)))
        .collect();
    let mut times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let mut round_times = [vec![0.0; contenders.len()], vec![0.0; contenders.len()]];
        for k in 0..jobs.len() {
            let (o, c) = jobs[(k + round) % jobs.len()];
            let deliveries = corpus.deliveries(KeyOrder::ALL[o]);
            let start = Instant::now();
            for _ in 0..passes[o][c] {
                black_box((contenders[c].run)(black_box(deliveries)));
            }
            let elapsed = start.elapsed().as_secs_f64() * 1e9;
            round_times[o][c] = elapsed / (f64::from(passes[o][c]) * deliveries.len() as f64);
        }
        eprint!("\rround {}/{rounds}", round + 1);
        times.push(round_times);
    }
    eprintln!();
    times
}

/// The `q` quantile (0 to 1) of some numbers, interpolated.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

fn report(corpus: &Corpus, contenders: &[Contender], times: &Times) {
    let mean_size = corpus.mean_size();
    let mut goals = Vec::new();
    for (o, order) in KeyOrder::ALL.into_iter().enumerate() {
        println!("\n### {}\n", order.label());
        println!(
            "| contender | ns/delivery (median) | MB/s | emma's speedup (median of per-round ratios) | quartiles | goal |"
        );
        println!("| --- | ---: | ---: | ---: | --- | --- |");
        for (c, contender) in contenders.iter().enumerate() {
            let ns: Vec<f64> = times.iter().map(|round| round[o][c]).collect();
            let ratios: Vec<f64> = times
                .iter()
                .map(|round| round[o][c] / round[o][EMMA])
                .collect();
            let median_ns = quantile(&ns, 0.5);
            let speedup = quantile(&ratios, 0.5);
            let goal = match contender.goal {
                Some(goal) => {
                    let met = speedup >= goal;
                    goals.push((
                        format!("≥ {goal:.1}× {} ({})", contender.name, order.label()),
                        met,
                    ));
                    format!("≥ {goal:.1}×: {}", if met { "met" } else { "not met" })
                }
                None => String::new(),
            };
            let speedup = if c == EMMA {
                "1 (reference)".to_owned()
            } else {
                format!("{speedup:.2}×")
            };
            let quartiles = if c == EMMA {
                String::new()
            } else {
                format!(
                    "{:.2}–{:.2}",
                    quantile(&ratios, 0.25),
                    quantile(&ratios, 0.75)
                )
            };
            println!(
                "| {} | {median_ns:.0} | {:.0} | {speedup} | {quartiles} | {goal} |",
                contender.name,
                mean_size / median_ns * 1e3,
            );
        }
    }

    let data_over_name: Vec<f64> = times
        .iter()
        .map(|round| round[1][EMMA] / round[0][EMMA])
        .collect();
    let ratio = quantile(&data_over_name, 0.5);
    let met = ratio <= 1.1;
    goals.push((
        "generated reader: data first ≤ 1.1× event_name first".to_owned(),
        met,
    ));
    println!(
        "\ngenerated reader, data first / event_name first: {ratio:.3}× (median of per-round ratios; quartiles {:.2}–{:.2}); goal ≤ 1.1×: {}",
        quantile(&data_over_name, 0.25),
        quantile(&data_over_name, 0.75),
        if met { "met" } else { "not met" }
    );

    println!("\n### Goals\n");
    for (goal, met) in goals {
        println!("- {goal}: {}", if met { "met" } else { "not met" });
    }
}
