//! Key orders of the objects AWS's Java service builds: a `java.util.HashMap`'s iteration
//! order, which payload templates and `States.JsonMerge` reproduce.

/// Java's `String.hashCode` (over UTF-16 code units).
pub(crate) fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, u| h.wrapping_mul(31).wrapping_add(u as i32))
}

/// The order in which `java.util.HashMap` iterates `keys` inserted in this order.
pub fn java_hashmap_order(keys: &[&str]) -> Vec<usize> {
    let mut cap = 16usize;
    while keys.len() * 4 > cap * 3 {
        cap *= 2;
    }
    // By bucket, then insertion order within a bucket: a counting sort.
    let bucket: Vec<usize> = keys
        .iter()
        .map(|k| {
            let h = java_string_hash(k) as u32;
            ((h ^ (h >> 16)) as usize) & (cap - 1)
        })
        .collect();
    let mut start = vec![0usize; cap + 1];
    for &b in &bucket {
        start[b + 1] += 1;
    }
    for b in 0..cap {
        start[b + 1] += start[b];
    }
    let mut out = vec![0usize; keys.len()];
    for (i, &b) in bucket.iter().enumerate() {
        out[start[b]] = i;
        start[b] += 1;
    }
    out
}
