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
        Some(i) => {
            (&text[..i], std::str::from_utf8(&text[i + 1..]).ok().and_then(|e| e.parse::<i32>().ok()).unwrap_or(0))
        }
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
    let mut n: Vec<u32> = vec![
        (mant % 1_000_000_000) as u32,
        (mant / 1_000_000_000 % 1_000_000_000) as u32,
        (mant / 1_000_000_000_000_000_000) as u32,
    ];
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

/// `s.parse::<f64>().ok()`: the same syntax (an optional sign, then `inf`, `infinity` or
/// `nan` in any case, or digits with an optional point and exponent) and the same correctly
/// rounded value, without `core`'s parser and its 10 KB table of powers of five. Numbers of
/// up to 15 digits with a small exponent take one exact multiplication or division; others
/// are settled by exact comparisons with big integers.
pub fn parse_f64(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let (neg, b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let sign = |x: f64| if neg { -x } else { x };
    for (word, x) in [(&b"inf"[..], f64::INFINITY), (b"infinity", f64::INFINITY), (b"nan", f64::NAN)] {
        if b.eq_ignore_ascii_case(word) {
            return Some(sign(x));
        }
    }
    // The significant digits (at most MAX_DIGITS, then a 1 if any non-zero digit was cut),
    // and the decimal exponent of the point after them.
    const MAX_DIGITS: usize = 800;
    let mut digits: Vec<u8> = Vec::new();
    let (mut point, mut i, mut seen, mut cut) = (0i64, 0, 0, false);
    let mut take = |d: u8, point: &mut i64, in_fraction: bool| {
        if d == 0 && digits.is_empty() {
            if in_fraction {
                *point -= 1;
            }
            return;
        }
        if digits.len() < MAX_DIGITS {
            digits.push(d);
        } else if d != 0 {
            cut = true;
        }
        if !in_fraction {
            *point += 1;
        }
    };
    while i < b.len() && b[i].is_ascii_digit() {
        take(b[i] - b'0', &mut point, false);
        i += 1;
        seen += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            take(b[i] - b'0', &mut point, true);
            i += 1;
            seen += 1;
        }
    }
    if seen == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        let eneg = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut e = 0i64;
        while i < b.len() && b[i].is_ascii_digit() {
            e = (e * 10 + (b[i] - b'0') as i64).min(1 << 40);
            i += 1;
        }
        if i == start {
            return None;
        }
        point += if eneg { -e } else { e };
    }
    if i != b.len() {
        return None;
    }
    if cut {
        digits.push(1);
    }
    Some(sign(decimal_to_f64(&digits, point)))
}

/// The f64 nearest to 0.`digits` × 10^`point` (digits without leading zeros), ties to even.
fn decimal_to_f64(digits: &[u8], point: i64) -> f64 {
    if digits.is_empty() || point < -330 {
        return 0.0;
    }
    if point > 310 {
        return f64::INFINITY;
    }
    // value = w × 10^e, w the first (up to 19) digits
    let n = digits.len().min(19);
    let w = digits[..n].iter().fold(0u64, |w, &d| w * 10 + d as u64);
    let e = point as i32 - n as i32;
    let pow10 = |k: i32| (0..k).fold(1.0f64, |p, _| p * 10.0);
    if digits.len() <= 15 && (-22..=22).contains(&e) {
        // Exact operands, one rounding.
        return if e >= 0 { w as f64 * pow10(e) } else { w as f64 / pow10(-e) };
    }
    // A guess within a few units in the last place, then exact comparisons with the midpoints
    // between neighbours.
    let mut z = w as f64;
    let mut k = e;
    while k > 0 {
        let step = k.min(22);
        z *= pow10(step);
        k -= step;
    }
    while k < 0 {
        let step = (-k).min(22);
        z /= pow10(step);
        k += step;
    }
    let z = if z.is_infinite() { f64::MAX } else { z };
    let d = Big::from_digits(digits);
    let e10 = point - digits.len() as i64;
    let mut z = z;
    loop {
        match compare_to_midpoint(&d, e10, z) {
            std::cmp::Ordering::Greater if z == f64::MAX => return f64::INFINITY,
            std::cmp::Ordering::Greater => z = f64::from_bits(z.to_bits() + 1),
            std::cmp::Ordering::Equal => return if z.to_bits() & 1 == 0 { z } else { f64::from_bits(z.to_bits() + 1) },
            std::cmp::Ordering::Less if z == 0.0 => return 0.0,
            std::cmp::Ordering::Less => {
                let below = f64::from_bits(z.to_bits() - 1);
                match compare_to_midpoint(&d, e10, below) {
                    std::cmp::Ordering::Less => z = below,
                    std::cmp::Ordering::Equal => return if z.to_bits() & 1 == 0 { z } else { below },
                    std::cmp::Ordering::Greater => return z,
                }
            }
        }
    }
}

/// D × 10^e10 against the midpoint between z (finite, >= 0) and the next f64 up.
fn compare_to_midpoint(d: &Big, e10: i64, z: f64) -> std::cmp::Ordering {
    let bits = z.to_bits();
    let (biased, frac) = ((bits >> 52) as i64, bits & ((1 << 52) - 1));
    let (m, e2) = if biased == 0 { (frac, -1074) } else { (frac | 1 << 52, biased - 1075) };
    // D × 5^e10 × 2^e10 against (2m + 1) × 2^(e2 - 1)
    let mut lhs = d.clone();
    let mut rhs = Big::from_u64(2 * m + 1);
    if e10 >= 0 {
        lhs.mul_pow5(e10 as u32);
    } else {
        rhs.mul_pow5((-e10) as u32);
    }
    let shift = e10 - (e2 - 1);
    if shift >= 0 {
        lhs.shl(shift as u32);
    } else {
        rhs.shl((-shift) as u32);
    }
    lhs.cmp(&rhs)
}

/// A non-negative big integer: 32-bit limbs, least significant first, no high zero limbs.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(x: u64) -> Big {
        let mut b = Big(vec![x as u32, (x >> 32) as u32]);
        b.trim();
        b
    }

    fn from_digits(digits: &[u8]) -> Big {
        let mut b = Big(Vec::new());
        for chunk in digits.chunks(9) {
            b.mul_small(10u32.pow(chunk.len() as u32));
            let v = chunk.iter().fold(0u32, |v, &d| v * 10 + d as u32);
            let mut carry = v as u64;
            for limb in b.0.iter_mut() {
                let t = *limb as u64 + carry;
                *limb = t as u32;
                carry = t >> 32;
            }
            if carry > 0 {
                b.0.push(carry as u32);
            }
        }
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn mul_small(&mut self, by: u32) {
        let mut carry = 0u64;
        for limb in self.0.iter_mut() {
            let t = *limb as u64 * by as u64 + carry;
            *limb = t as u32;
            carry = t >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow5(&mut self, mut k: u32) {
        while k > 0 {
            let step = k.min(13);
            self.mul_small(5u32.pow(step));
            k -= step;
        }
    }

    fn shl(&mut self, bits: u32) {
        let (words, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            let mut carry = 0u32;
            for limb in self.0.iter_mut() {
                let t = *limb;
                *limb = t << bits | carry;
                carry = t >> (32 - bits);
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        if !self.0.is_empty() {
            self.0.splice(0..0, std::iter::repeat_n(0, words));
        }
    }

    fn cmp(&self, other: &Big) -> std::cmp::Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finite doubles of every kind: random bits, integers, short decimals, extremes.
    fn samples(n: usize) -> Vec<f64> {
        let mut out = vec![
            0.0,
            -0.0,
            5e-324,
            -5e-324,
            2.2250738585072014e-308,
            2.225073858507201e-308,
            f64::MAX,
            f64::MIN_POSITIVE,
            1e21,
            1e22,
            1e23,
            0.1,
            0.3,
            1.0 / 3.0,
        ];
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

    fn std_parse(s: &str) -> Option<f64> {
        s.parse::<f64>().ok()
    }

    fn same(s: &str) {
        let (a, b) = (parse_f64(s), std_parse(s));
        assert_eq!(a.map(|x| x.to_bits()), b.map(|x| x.to_bits()), "{s:?}: {a:?} vs {b:?}");
    }

    #[test]
    fn parse_syntax_as_std() {
        for s in [
            "",
            "+",
            "-",
            ".",
            "+.",
            "e5",
            ".e1",
            "1e",
            "1e+",
            "1e-",
            "1.",
            ".5",
            "-.5",
            "+1",
            "1_0",
            " 1",
            "1 ",
            "0x10",
            "1e1.5",
            "inf",
            "-inf",
            "+Infinity",
            "INF",
            "infin",
            "nan",
            "NaN",
            "-nan",
            "nan1",
            "1.5E3",
            "1.5e+3",
            "1.5e-3",
            "00012",
            "0.000",
            "-0",
            "-0.0e99999999999999999999",
            "1e99999999999999999999",
            "1e-99999999999999999999",
            "١",
            "1,5",
        ] {
            same(s);
        }
        assert!(parse_f64("-nan").unwrap().is_sign_negative());
    }

    #[test]
    fn parse_values_as_std() {
        let mut texts = vec![];
        for x in samples(20_000) {
            texts.push(format!("{x:e}"));
            texts.push(format!("{x}"));
            texts.push(format!("{x:.25e}"));
            texts.push(format!("{x:.3e}"));
            // halfway between x and the next float up, and just either side of it
            if (f64::MIN_POSITIVE..f64::MAX).contains(&x) {
                let up = f64::from_bits(x.to_bits() + 1);
                let half = (up - x) / 2.0;
                let (dx, px) = exact(x);
                let (dh, ph) = exact(half);
                let (mid, e) = add_decimal(&dx, px, &dh, ph);
                texts.push(format!("0.{mid}e{e}"));
                texts.push(format!("0.{mid}1e{e}"));
                if let Some(stem) = mid.strip_suffix('5') {
                    texts.push(format!("0.{stem}4999e{e}"));
                }
            }
        }
        let mut s = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let n = (s % 40) as usize + 1;
            let digits: String = (0..n).map(|k| char::from(b'0' + ((s >> (k % 60)) % 10) as u8)).collect();
            let e = (s >> 20) as i64 % 700 - 350;
            texts.push(format!("{digits}e{e}"));
            texts.push(format!("0.{digits}e{e}"));
        }
        texts.push(format!("{}e-400", "1".repeat(1000)));
        texts.push(format!("0.{}1e-300", "0".repeat(900)));
        texts.push("9".repeat(400));
        for t in &texts {
            same(t);
        }
    }

    /// 0.`a` × 10^`pa` + 0.`b` × 10^`pb` as 0.digits × 10^e (the digit of `a` at index i
    /// weighs 10^(pa - 1 - i)).
    fn add_decimal(a: &[u8], pa: i32, b: &[u8], pb: i32) -> (String, i32) {
        let top = pa.max(pb) + 1;
        let low = (pa - a.len() as i32).min(pb - b.len() as i32);
        let mut sum = vec![0u8; (top - low) as usize];
        for (digits, p) in [(a, pa), (b, pb)] {
            for (i, &d) in digits.iter().enumerate() {
                sum[(top - p) as usize + i] += d - b'0';
            }
        }
        for i in (1..sum.len()).rev() {
            if sum[i] >= 10 {
                sum[i] -= 10;
                sum[i - 1] += 1;
            }
        }
        let text: String = sum.iter().map(|d| char::from(b'0' + d)).collect();
        (text, top)
    }
}
