//! Numbers as decimal text: the few ways statelab prints an `f64`, on one digit generator
//! each. Shortest digits come from `zmij` (which serde_json already uses to print numbers) and
//! exact digits from a small big-number expansion, instead of `core::fmt`'s float machinery
//! (Grisu with a Dragon fallback, about 12 KB of wasm). The results are the same as
//! `format!`'s, which the tests check.

/// The shortest digits that read back as `x` (finite, not zero; the sign is ignored), without
/// leading or trailing zeros, and the position of the decimal point: `x` = 0.`digits` × 10^`point`.
pub fn shortest(x: f64) -> (Vec<u8>, i32) {
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(x.abs()).as_bytes();
    let (mant, exp) = match text.iter().position(|&b| b == b'e') {
        Some(i) => (&text[..i], std::str::from_utf8(&text[i + 1..]).ok().and_then(|e| e.parse::<i32>().ok()).unwrap_or(0)),
        None => (text, 0),
    };
    let mut digits = Vec::with_capacity(17);
    let mut point = None;
    for &b in mant {
        if b == b'.' {
            point = Some(digits.len() as i32);
        } else {
            digits.push(b);
        }
    }
    let mut point = point.unwrap_or(digits.len() as i32) + exp;
    let lead = digits.iter().take_while(|&&b| b == b'0').count();
    digits.drain(..lead);
    point -= lead as i32;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    // When x lies exactly halfway between two candidates of the same shortest length, zmij
    // picks the even one and `core::fmt` the greater one: keep `core::fmt`'s choice. Such a
    // tie needs the exact expansion to be one digit longer and to end in 5.
    if digits.len() >= 15 {
        let (exact, exact_point) = exact(x);
        if exact.len() == digits.len() + 1 && exact.last() == Some(&b'5') {
            let mut upper = exact;
            let mut upper_point = exact_point;
            upper.pop();
            if round_up(&mut upper) {
                upper_point += 1;
            }
            return (upper, upper_point);
        }
    }
    (digits, point)
}

/// Adds one unit in the last place to 0.`digits` and drops trailing zeros; true when it
/// carried into a new leading digit (`digits` is then "1").
fn round_up(digits: &mut Vec<u8>) -> bool {
    while let Some(d) = digits.pop() {
        if d != b'9' {
            digits.push(d + 1);
            return false;
        }
    }
    digits.push(b'1');
    true
}

/// `format!("{}", x)`: the shortest digits, never with an exponent.
pub fn display(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    let mut s = String::new();
    if x.is_sign_negative() {
        s.push('-');
    }
    if x.is_infinite() {
        s.push_str("inf");
    } else if x == 0.0 {
        s.push('0');
    } else {
        let (digits, point) = shortest(x);
        place(&mut s, &digits, point, 0);
    }
    s
}

/// `format!("{:.frac$}", x)`: exactly rounded (half to even) to `frac` decimals.
pub fn fixed(x: f64, frac: usize) -> String {
    if !x.is_finite() {
        return display(x);
    }
    let mut s = String::new();
    if x.is_sign_negative() {
        s.push('-');
    }
    let (mut digits, mut point) = exact(x);
    let keep = point as i64 + frac as i64;
    if keep < 0 {
        digits.clear();
    } else if round_to(&mut digits, keep as usize) {
        point += 1;
    }
    if digits.is_empty() {
        point = 0;
    }
    place(&mut s, &digits, point, frac);
    s
}

/// `format!("{:.prec$e}", x)`: exactly rounded (half to even) to `prec + 1` significant digits.
pub fn scientific(x: f64, prec: usize) -> String {
    if !x.is_finite() {
        return display(x);
    }
    let mut s = String::new();
    if x.is_sign_negative() {
        s.push('-');
    }
    let (mut digits, mut point) = exact(x);
    if round_to(&mut digits, prec + 1) {
        point += 1;
    }
    digits.resize(prec + 1, b'0');
    s.push(digits[0] as char);
    if prec > 0 {
        s.push('.');
        s.extend(digits[1..].iter().map(|&b| b as char));
    }
    s.push('e');
    s.push_str(&(point - 1).to_string());
    s
}

/// Writes 0.`digits` × 10^`point` in plain notation with at least `frac` decimals.
fn place(s: &mut String, digits: &[u8], point: i32, frac: usize) {
    let digit = |i: i32| if i >= 0 && (i as usize) < digits.len() { digits[i as usize] as char } else { '0' };
    if point <= 0 {
        s.push('0');
    } else {
        (0..point).for_each(|i| s.push(digit(i)));
    }
    let decimals = (digits.len() as i32 - point).max(frac as i32);
    if decimals > 0 {
        s.push('.');
        (point..point + decimals).for_each(|i| s.push(digit(i)));
    }
}

/// Rounds 0.`digits` to `n` digits, half to even (the digits are exact, so a tie is a 5
/// followed by nothing). True when the rounding carried into a new leading digit (`digits`
/// is then "1").
fn round_to(digits: &mut Vec<u8>, n: usize) -> bool {
    if digits.len() <= n {
        return false;
    }
    let up = match digits[n] {
        b'6'..=b'9' => true,
        b'5' => digits.len() > n + 1 || n > 0 && (digits[n - 1] - b'0') % 2 == 1,
        _ => false,
    };
    digits.truncate(n);
    if up {
        return round_up(digits);
    }
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    false
}

/// All the decimal digits of |x| (finite; none for zero), as [`shortest`] gives them.
fn exact(x: f64) -> (Vec<u8>, i32) {
    let bits = x.abs().to_bits();
    let (biased, frac) = ((bits >> 52) as i32, bits & ((1 << 52) - 1));
    let (mant, exp2) = if biased == 0 { (frac, -1074) } else { (frac | 1 << 52, biased - 1075) };
    if mant == 0 {
        return (vec![], 1);
    }
    // |x| = mant × 2^exp2 = n / 10^scale, n an integer held in base-10^9 limbs, least first.
    let mut n: Vec<u32> = vec![(mant % 1_000_000_000) as u32, (mant / 1_000_000_000 % 1_000_000_000) as u32, (mant / 1_000_000_000_000_000_000) as u32];
    let mul = |n: &mut Vec<u32>, by: u32| {
        let mut carry = 0u64;
        for limb in n.iter_mut() {
            let v = *limb as u64 * by as u64 + carry;
            *limb = (v % 1_000_000_000) as u32;
            carry = v / 1_000_000_000;
        }
        while carry > 0 {
            n.push((carry % 1_000_000_000) as u32);
            carry /= 1_000_000_000;
        }
    };
    let scale = if exp2 >= 0 {
        let mut e = exp2;
        while e > 0 {
            let k = e.min(29);
            mul(&mut n, 1 << k);
            e -= k;
        }
        0
    } else {
        // m / 2^k = m × 5^k / 10^k
        let mut e = -exp2;
        while e > 0 {
            let k = e.min(13);
            mul(&mut n, 5u32.pow(k as u32));
            e -= k;
        }
        -exp2
    };
    while n.len() > 1 && n.last() == Some(&0) {
        n.pop();
    }
    let mut digits = n.last().map(|d| d.to_string().into_bytes()).unwrap_or_default();
    for limb in n.iter().rev().skip(1) {
        let start = digits.len();
        digits.extend_from_slice(b"000000000");
        let mut v = *limb;
        for i in (start..start + 9).rev() {
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    }
    let point = digits.len() as i32 - scale;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, point)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finite doubles of every kind: random bits, integers, short decimals, extremes.
    fn samples(n: usize) -> Vec<f64> {
        let mut out = vec![0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, f64::MAX, f64::MIN_POSITIVE, 1e21, 1e22, 1e23, 0.1, 0.3, 1.0 / 3.0];
        out.extend([0.5, 1.5, 2.5, 0.125, 0.375, 1e-7, 123.456, 9.995, 0.045, 1.005, 999.9999999999999]);
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        for i in 0..n {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let x = match i % 4 {
                0 => f64::from_bits(s),
                1 => (s % 1_000_000_007) as f64 / 1000.0,
                2 => (s % 100_000) as f64 * 10f64.powi((s >> 40) as i32 % 40 - 20),
                // Halfway cases: short binary fractions of long integers.
                _ => (s >> 11) as f64 / (1u64 << (s >> 60)) as f64,
            };
            if x.is_finite() {
                out.push(x);
                out.push(-x);
            }
        }
        out
    }

    #[test]
    fn same_as_format() {
        for x in samples(50_000) {
            assert_eq!(display(x), format!("{x}"), "{x:e}");
            for frac in [0, 1, 2, 3, 6, 14, 20] {
                assert_eq!(fixed(x, frac), format!("{x:.frac$}"), "{x:e} {frac}");
            }
            for prec in [0, 1, 5, 14, 16, 25] {
                assert_eq!(scientific(x, prec), format!("{x:.prec$e}"), "{x:e} {prec}");
            }
            if x != 0.0 {
                let (d, p) = shortest(x);
                let e = format!("{:e}", x.abs());
                let (m, exp) = e.split_once('e').unwrap();
                assert_eq!(String::from_utf8(d).unwrap(), m.replace('.', ""), "{x:e}");
                assert_eq!(p - 1, exp.parse::<i32>().unwrap(), "{x:e}");
            }
        }
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(display(x), format!("{x}"));
            assert_eq!(fixed(x, 2), format!("{x:.2}"));
            assert_eq!(scientific(x, 3), format!("{x:.3e}"));
        }
    }
}
