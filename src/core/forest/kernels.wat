;; The forest's query hot loops in WebAssembly SIMD (kernels.ts loads them; `npm run kernels`
;; compiles this file into kernels-wasm.ts). Every sum is taken in float64 with the same
;; accumulators, in the same order, as the TypeScript loops (vector-math.ts dotI8, half.ts
;; dotHalf, sketch.ts signedSum), so the results are the same to the bit: a SIMD lane only holds
;; an accumulator the TypeScript keeps apart anyway, and wasm never fuses a multiply and an add.
;; Loads may read up to 8 bytes past a row: kernels.ts pads its regions.
(module
  (memory (export "memory") 1)

  ;; Σ q[i]·c[i]: q float64 (the float32 query, widened once) at byte `q`, int8 codes at `c`.
  ;; The TypeScript keeps s0..s3 (element i adds to s[i mod 4]); here a = (s0, s1), b = (s2, s3).
  (func (export "dotI8") (param $q i32) (param $c i32) (param $d i32) (result f64)
    (local $a v128) (local $b v128) (local $x v128) (local $end i32)
    (local $s0 f64) (local $rest i32)
    (local.set $end (i32.add (local.get $c) (i32.and (local.get $d) (i32.const -8))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $c) (local.get $end)))
        ;; 8 codes as i16x8, as two i32x4, each as two float64 pairs (lanes 2, 3 moved down first).
        (local.set $x (v128.load8x8_s (local.get $c)))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (v128.load (local.get $q))
          (f64x2.convert_low_i32x4_s (i32x4.extend_low_i16x8_s (local.get $x))))))
        (local.set $b (f64x2.add (local.get $b) (f64x2.mul (v128.load offset=16 (local.get $q))
          (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 0 0 0 0 0 0 0
            (i32x4.extend_low_i16x8_s (local.get $x)) (local.get $x))))))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (v128.load offset=32 (local.get $q))
          (f64x2.convert_low_i32x4_s (i32x4.extend_high_i16x8_s (local.get $x))))))
        (local.set $b (f64x2.add (local.get $b) (f64x2.mul (v128.load offset=48 (local.get $q))
          (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 0 0 0 0 0 0 0
            (i32x4.extend_high_i16x8_s (local.get $x)) (local.get $x))))))
        (local.set $c (i32.add (local.get $c) (i32.const 8)))
        (local.set $q (i32.add (local.get $q) (i32.const 64)))
        (br $l)))
    ;; Four more, as the TypeScript's second step.
    (if (i32.and (local.get $d) (i32.const 4))
      (then
        (local.set $x (v128.load8x8_s (local.get $c)))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (v128.load (local.get $q))
          (f64x2.convert_low_i32x4_s (i32x4.extend_low_i16x8_s (local.get $x))))))
        (local.set $b (f64x2.add (local.get $b) (f64x2.mul (v128.load offset=16 (local.get $q))
          (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 0 0 0 0 0 0 0
            (i32x4.extend_low_i16x8_s (local.get $x)) (local.get $x))))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))))
    ;; The last 0–3 into s0, one at a time.
    (local.set $s0 (f64x2.extract_lane 0 (local.get $a)))
    (local.set $rest (i32.and (local.get $d) (i32.const 3)))
    (block $tail
      (loop $t
        (br_if $tail (i32.eqz (local.get $rest)))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (local.get $q))
          (f64.convert_i32_s (i32.load8_s (local.get $c))))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (local.set $q (i32.add (local.get $q) (i32.const 8)))
        (local.set $rest (i32.sub (local.get $rest) (i32.const 1)))
        (br $t)))
    (f64.add (f64.add (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $a)))
      (f64x2.extract_lane 0 (local.get $b))) (f64x2.extract_lane 1 (local.get $b))))

  ;; Four float16 values at byte `h` as float32x4, exactly (half.ts fromHalf): normals by
  ;; re-biasing the exponent, subnormals as mantissa · 2^-24, then the sign.
  (func $half4 (param $h i32) (result v128)
    (local $x v128)
    (local.set $x (v128.load16x4_u (local.get $h)))
    (v128.or
      (v128.bitselect
        (f32x4.mul (f32x4.convert_i32x4_s (v128.and (local.get $x) (i32x4.splat (i32.const 0x3ff))))
          (f32x4.splat (f32.const 0x1p-24)))
        (i32x4.add (i32x4.shl (v128.and (local.get $x) (i32x4.splat (i32.const 0x7fff))) (i32.const 13))
          (i32x4.splat (i32.const 0x38000000)))
        (i32x4.eq (v128.and (local.get $x) (i32x4.splat (i32.const 0x7c00))) (v128.const i32x4 0 0 0 0)))
      (i32x4.shl (v128.and (local.get $x) (i32x4.splat (i32.const 0x8000))) (i32.const 16))))

  ;; Σ q[i]·half(h[i]): q float64 at byte `q`, float16 bits at `h`. The TypeScript keeps s0
  ;; (even i) and s1 (odd i): here a = (s0, s1), one pair after another.
  (func (export "dotHalf") (param $q i32) (param $h i32) (param $d i32) (result f64)
    (local $a v128) (local $v v128) (local $end i32) (local $x v128)
    (local.set $end (i32.add (local.get $h) (i32.shl (i32.and (local.get $d) (i32.const -4)) (i32.const 1))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $h) (local.get $end)))
        (local.set $x (v128.load16x4_u (local.get $h)))
        (local.set $v (v128.or
          (v128.bitselect
            (f32x4.mul (f32x4.convert_i32x4_s (v128.and (local.get $x) (i32x4.splat (i32.const 0x3ff))))
              (f32x4.splat (f32.const 0x1p-24)))
            (i32x4.add (i32x4.shl (v128.and (local.get $x) (i32x4.splat (i32.const 0x7fff))) (i32.const 13))
              (i32x4.splat (i32.const 0x38000000)))
            (i32x4.eq (v128.and (local.get $x) (i32x4.splat (i32.const 0x7c00))) (v128.const i32x4 0 0 0 0)))
          (i32x4.shl (v128.and (local.get $x) (i32x4.splat (i32.const 0x8000))) (i32.const 16))))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (v128.load (local.get $q))
          (f64x2.promote_low_f32x4 (local.get $v)))))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (v128.load offset=16 (local.get $q))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 0 0 0 0 0 0 0 (local.get $v) (local.get $v))))))
        (local.set $h (i32.add (local.get $h) (i32.const 8)))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (br $l)))
    (if (i32.and (local.get $d) (i32.const 2))
      (then
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (v128.load (local.get $q))
          (f64x2.promote_low_f32x4 (call $half4 (local.get $h))))))
        (local.set $h (i32.add (local.get $h) (i32.const 4)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))))
    (if (i32.and (local.get $d) (i32.const 1))
      (then
        (local.set $a (f64x2.replace_lane 0 (local.get $a) (f64.add (f64x2.extract_lane 0 (local.get $a))
          (f64.mul (f64.load (local.get $q)) (f64.promote_f32 (f32x4.extract_lane 0 (call $half4 (local.get $h))))))))))
    (f64.add (f64x2.extract_lane 0 (local.get $a)) (f64x2.extract_lane 1 (local.get $a))))

  ;; Sketch sums: out[j] (float64 at byte `out`) = Σ over the w words of the row at byte
  ;; rows + idx[j]·stride of the table entries of its bytes (sketch.ts signedSum: bytes 0 and 2
  ;; into s0, 1 and 3 into s1, each pair added first). `t`: the query's float32 table,
  ;; 256 entries per sketch byte. idx: m int32 at byte `idx`.
  (func (export "signedSums") (param $t i32) (param $rows i32) (param $stride i32) (param $w i32)
    (param $idx i32) (param $m i32) (param $out i32)
    (local $p i32) (local $tb i32) (local $k i32) (local $s0 f64) (local $s1 f64) (local $end i32)
    (local.set $end (i32.add (local.get $idx) (i32.shl (local.get $m) (i32.const 2))))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $idx) (local.get $end)))
        (local.set $p (i32.add (local.get $rows) (i32.mul (i32.load (local.get $idx)) (local.get $stride))))
        (local.set $tb (local.get $t))
        (local.set $k (local.get $w))
        (local.set $s0 (f64.const 0))
        (local.set $s1 (f64.const 0))
        (block $wordsDone
          (loop $word
            (br_if $wordsDone (i32.eqz (local.get $k)))
            (local.set $s0 (f64.add (local.get $s0) (f64.add
              (f64.promote_f32 (f32.load (i32.add (local.get $tb) (i32.shl (i32.load8_u (local.get $p)) (i32.const 2)))))
              (f64.promote_f32 (f32.load offset=2048 (i32.add (local.get $tb) (i32.shl (i32.load8_u offset=2 (local.get $p)) (i32.const 2))))))))
            (local.set $s1 (f64.add (local.get $s1) (f64.add
              (f64.promote_f32 (f32.load offset=1024 (i32.add (local.get $tb) (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 2)))))
              (f64.promote_f32 (f32.load offset=3072 (i32.add (local.get $tb) (i32.shl (i32.load8_u offset=3 (local.get $p)) (i32.const 2))))))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $tb (i32.add (local.get $tb) (i32.const 4096)))
            (local.set $k (i32.sub (local.get $k) (i32.const 1)))
            (br $word)))
        (f64.store (local.get $out) (f64.add (local.get $s0) (local.get $s1)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (br $row))))

  ;; Leaf estimates with their first bound test (score.ts addRows): for j < m, the sketch sum of
  ;; the row at byte rows + idx[j]·stride (as signedSums), then est = (base + add) + rescale·sum
  ;; and lo = error·errScale from the row's factors (sketch.ts unpackAdd, unpackError: the packed
  ;; word at word w + 1, rescale at word w). A row with est + lo < bar is dropped (the bar only
  ;; rises, so it would fail later too); the others' j (int32 at byte `keep`) and est (float64 at
  ;; `ests`) are written in order. Returns their count. The same float64 operations, in the same
  ;; order, as the TypeScript: the same bits.
  (func (export "estimates") (param $t i32) (param $rows i32) (param $stride i32) (param $w i32)
    (param $idx i32) (param $m i32) (param $base f64) (param $errScale f64) (param $bar f64)
    (param $keep i32) (param $ests i32) (result i32)
    (local $p i32) (local $tb i32) (local $k i32) (local $s0 f64) (local $s1 f64) (local $j i32)
    (local $n i32) (local $row i32) (local $packed i32) (local $est f64)
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $j) (local.get $m)))
        (local.set $row (i32.add (local.get $rows) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $j) (i32.const 2)))) (local.get $stride))))
        (local.set $p (local.get $row))
        (local.set $tb (local.get $t))
        (local.set $k (local.get $w))
        (local.set $s0 (f64.const 0))
        (local.set $s1 (f64.const 0))
        (block $wordsDone
          (loop $word
            (br_if $wordsDone (i32.eqz (local.get $k)))
            (local.set $s0 (f64.add (local.get $s0) (f64.add
              (f64.promote_f32 (f32.load (i32.add (local.get $tb) (i32.shl (i32.load8_u (local.get $p)) (i32.const 2)))))
              (f64.promote_f32 (f32.load offset=2048 (i32.add (local.get $tb) (i32.shl (i32.load8_u offset=2 (local.get $p)) (i32.const 2))))))))
            (local.set $s1 (f64.add (local.get $s1) (f64.add
              (f64.promote_f32 (f32.load offset=1024 (i32.add (local.get $tb) (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 2)))))
              (f64.promote_f32 (f32.load offset=3072 (i32.add (local.get $tb) (i32.shl (i32.load8_u offset=3 (local.get $p)) (i32.const 2))))))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $tb (i32.add (local.get $tb) (i32.const 4096)))
            (local.set $k (i32.sub (local.get $k) (i32.const 1)))
            (br $word)))
        ;; $p is now at word w: the rescale factor, then the packed word.
        (local.set $packed (i32.load offset=4 (local.get $p)))
        (local.set $est (f64.add
          (f64.add (local.get $base)
            (f64.mul (f64.convert_i32_s (i32.shr_s (i32.shl (local.get $packed) (i32.const 16)) (i32.const 16))) (f64.const 0x1p-14)))
          (f64.mul (f64.promote_f32 (f32.load (local.get $p))) (f64.add (local.get $s0) (local.get $s1)))))
        (if (i32.eqz (f64.lt
              (f64.add (local.get $est)
                (f64.mul (f64.mul (f64.convert_i32_u (i32.shr_u (local.get $packed) (i32.const 16))) (f64.const 0x1p-15)) (local.get $errScale)))
              (local.get $bar)))
          (then
            (i32.store (i32.add (local.get $keep) (i32.shl (local.get $n) (i32.const 2))) (local.get $j))
            (f64.store (i32.add (local.get $ests) (i32.shl (local.get $n) (i32.const 3))) (local.get $est))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $row)))
    (local.get $n))
)
