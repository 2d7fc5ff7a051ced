//! Diagnostic: prints the best window match of two files.
use dedup::features::Extractor;
use dedup::input::{load, InputOptions};
use dedup::params::Params;
use dedup::verify::evaluate;
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let loaded = load(
        &[args[0].clone().into(), args[1].clone().into()],
        &InputOptions::default(),
    );
    let params = Params::default();
    let ex = Extractor::new(&params.features);
    let (a, b) = (&loaded.documents[0], &loaded.documents[1]);
    let (fa, fb) = (ex.features(a), ex.features(b));
    let (ua, ub) = (fa.units(a), fb.units(b));
    let e = evaluate((&fa, ua), (&fb, ub), &params, &Default::default());
    println!(
        "docbi {} shared {} window {:?}",
        e.bigram_containment, e.shared_bigrams, e.window
    );
    if let Some(w) = e.window {
        let s = |f: &dedup::features::Features, d: &dedup::Document, r: (u32, u32)| {
            d.text[f.units.get().unwrap()[r.0 as usize].start as usize
                ..f.units.get().unwrap()[r.1 as usize].end as usize]
                .to_string()
        };
        println!("A: {}\n\nB: {}", s(&fa, a, w.a_units), s(&fb, b, w.b_units));
    }
    for (i, u) in ua.iter().enumerate() {
        println!(
            "a{i}: {} terms {}",
            u.sequence.len(),
            &a.text[u.start as usize..u.end as usize]
                .chars()
                .take(60)
                .collect::<String>()
        );
    }
}
