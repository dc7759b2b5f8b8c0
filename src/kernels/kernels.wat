;; nabla's WebAssembly SIMD kernels (f64x2). Assembled by scripts/build-wasm.mjs (wabt) into
;; src/kernels/wasmBinary.ts. Every function here has a JavaScript twin that performs the same
;; IEEE-754 operations in the same order (src/kernels/gemm.ts, elementary.ts, arrays.ts), so the
;; two give identical bits. No fused multiply-add (plain SIMD128 has none; relaxed SIMD is not used).
;;
;; Memory: 40 pages (2.5 MiB), fixed (minimum = maximum, never grown). The caller (JavaScript) owns the
;; layout (src/kernels/backend.ts): fixed-size windows for streamed array kernels and for the GEMM's
;; packed panels and C block, so no call can grow or retain memory.
;;
;; Branches of the scalar algorithms become per-lane selects: every candidate formula is evaluated
;; on both lanes and v128.bitselect keeps, per lane, the one the scalar code would have returned.
(module
  (memory (export "memory") 40 40)

  ;; ---------------------------------------------------------------------------------------------
  ;; GEMM block: C[mc x nc] += Ap * Bp over kc, from panels packed by JavaScript.
  ;; Ap: mc/4 panels, each kc x 4 (k-major: a[k][0..3]); Bp: nc/4 panels, each kc x 4 (b[k][0..3]).
  ;; C: row-major with row stride ldc (doubles); mc is a multiple of 4 and nc of 4 (zero-padded
  ;; panels; the padding rows and columns of the C window are scratch).
  ;; Each 4x4 tile of C gets its partial sums started at 0 and accumulated over k in order (lane j
  ;; of accumulator cRa/cRb holds column j/j+2 of row R), then added to C: per element, the order of
  ;; the JavaScript 4x4 micro-kernel (the tile shape changes which elements share registers, not
  ;; the sequence of operations on any one element).
  (func (export "gemm") (param $ap i32) (param $bp i32) (param $cb i32) (param $mc i32) (param $nc i32)
        (param $kc i32) (param $ldc i32)
    (local $jr i32) (local $ir i32) (local $a i32) (local $b i32) (local $bpan i32) (local $end i32) (local $end2 i32)
    (local $c i32) (local $ldb i32) (local $panel i32)
    (local $b01 v128) (local $b23 v128) (local $x v128)
    (local $c0a v128) (local $c0b v128) (local $c1a v128) (local $c1b v128) (local $c2a v128) (local $c2b v128) (local $c3a v128) (local $c3b v128)
    (local.set $panel (i32.shl (local.get $kc) (i32.const 5))) ;; kc*4*8 bytes per B panel
    (local.set $ldb (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $jr (i32.const 0))
    (local.set $bpan (local.get $bp))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $jr) (local.get $nc)))
        (local.set $ir (i32.const 0))
        (local.set $a (local.get $ap))
        (block $idone
          (loop $iloop
            (br_if $idone (i32.ge_u (local.get $ir) (local.get $mc)))
            (local.set $b (local.get $bpan))
            (local.set $end (i32.add (local.get $bpan) (local.get $panel)))
            (local.set $end2 (i32.sub (local.get $end) (i32.const 0)))
            (local.set $c0a (v128.const i64x2 0 0)) (local.set $c0b (v128.const i64x2 0 0))
            (local.set $c1a (v128.const i64x2 0 0)) (local.set $c1b (v128.const i64x2 0 0))
            (local.set $c2a (v128.const i64x2 0 0)) (local.set $c2b (v128.const i64x2 0 0))
            (local.set $c3a (v128.const i64x2 0 0)) (local.set $c3b (v128.const i64x2 0 0))
            (local.set $end2 (i32.const 0))
            (loop $kloop
              (local.set $b01 (v128.load (i32.add (local.get $b) (local.get $end2))))
              (local.set $b23 (v128.load offset=16 (i32.add (local.get $b) (local.get $end2))))
              (local.set $x (v128.load64_splat offset=0 (i32.add (local.get $a) (local.get $end2))))
              (local.set $c0a (f64x2.add (local.get $c0a) (f64x2.mul (local.get $x) (local.get $b01))))
              (local.set $c0b (f64x2.add (local.get $c0b) (f64x2.mul (local.get $x) (local.get $b23))))
              (local.set $x (v128.load64_splat offset=8 (i32.add (local.get $a) (local.get $end2))))
              (local.set $c1a (f64x2.add (local.get $c1a) (f64x2.mul (local.get $x) (local.get $b01))))
              (local.set $c1b (f64x2.add (local.get $c1b) (f64x2.mul (local.get $x) (local.get $b23))))
              (local.set $x (v128.load64_splat offset=16 (i32.add (local.get $a) (local.get $end2))))
              (local.set $c2a (f64x2.add (local.get $c2a) (f64x2.mul (local.get $x) (local.get $b01))))
              (local.set $c2b (f64x2.add (local.get $c2b) (f64x2.mul (local.get $x) (local.get $b23))))
              (local.set $x (v128.load64_splat offset=24 (i32.add (local.get $a) (local.get $end2))))
              (local.set $c3a (f64x2.add (local.get $c3a) (f64x2.mul (local.get $x) (local.get $b01))))
              (local.set $c3b (f64x2.add (local.get $c3b) (f64x2.mul (local.get $x) (local.get $b23))))
              (local.set $end2 (i32.add (local.get $end2) (i32.const 32)))
              (br_if $kloop (i32.lt_u (local.get $end2) (local.get $panel))))
            (local.set $a (i32.add (local.get $a) (local.get $panel)))
            (local.set $c (i32.add (local.get $cb)
              (i32.shl (i32.add (i32.mul (local.get $ir) (local.get $ldc)) (local.get $jr)) (i32.const 3))))
            (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c0a)))
            (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c0b)))
            (local.set $c (i32.add (local.get $c) (local.get $ldb)))
            (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c1a)))
            (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c1b)))
            (local.set $c (i32.add (local.get $c) (local.get $ldb)))
            (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c2a)))
            (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c2b)))
            (local.set $c (i32.add (local.get $c) (local.get $ldb)))
            (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c3a)))
            (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c3b)))
            (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
            (br $iloop)))
        (local.set $jr (i32.add (local.get $jr) (i32.const 4)))
        (local.set $bpan (i32.add (local.get $bpan) (local.get $panel)))
        (br $jloop))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Helpers on two lanes, expanded inline by the assembler (;;@inline, see scripts/wasm-assemble.mjs).

  ;; 2^k for integers k in [-1022, 1023] held in i64 lanes.
  ;;@inline
  (func $pow2 (param $k v128) (result v128)
    (i64x2.shl (i64x2.add (local.get $k) (v128.const i64x2 1023 1023)) (i32.const 52)))

  ;; 2^k for integers k in [-1022, 1023] held in i32 lanes 0 and 1, as f64x2.
  ;;@inline
  (func $pow2i32 (param $k v128) (result v128)
    (i64x2.shl (i64x2.extend_low_i32x4_s (i32x4.add (local.get $k) (v128.const i64x2 0x000003ff000003ff 0x000003ff000003ff)))
      (i32.const 52)))

  ;; i64 lanes (small integers) -> f64 lanes.
  ;;@inline
  (func $i64tof64 (param $k v128) (result v128)
    (f64x2.convert_low_i32x4_s
      (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $k) (local.get $k))))

  ;; y*2^k rounded once: (y*2^floor(k/2))*2^(k-floor(k/2)), as scale() in elementary.ts.
  ;;@inline
  (func $scale (param $y v128) (param $k v128) (result v128)
    (f64x2.mul
      (f64x2.mul (local.get $y) (call $pow2 (i64x2.shr_s (local.get $k) (i32.const 1))))
      (call $pow2 (i64x2.sub (local.get $k) (i64x2.shr_s (local.get $k) (i32.const 1))))))

  ;; Signed high 32-bit word of each lane, sign-extended to i64.
  ;;@inline
  (func $hi (param $x v128) (result v128)
    (i64x2.shr_s (local.get $x) (i32.const 32)))

  ;; ---------------------------------------------------------------------------------------------
  ;; exp: the table-driven scheme (see exp in elementary.ts). Table entry j (16 bytes) holds
  ;; tail_j and H_j at @EXP_TABLE_PTR + 16j; the two lanes' entries are loaded separately.
  ;;@inline
  (func $exp (param $x v128) (result v128)
    (local $kd v128) (local $ki v128) (local $r v128) (local $j v128) (local $e0 v128) (local $e1 v128)
    (local $r2 v128) (local $tmp v128) (local $H v128) (local $y v128) (local $e v128) (local $eh v128)
    (local.set $kd (f64x2.sub
      (f64x2.add (f64x2.mul (local.get $x) (v128.const f64x2 @INVLN2N @INVLN2N))
        (v128.const f64x2 6755399441055744 6755399441055744))
      (v128.const f64x2 6755399441055744 6755399441055744)))
    ;; k as i32 lanes 0 and 1 (saturated garbage for NaN and |x| beyond the thresholds, whose
    ;; results the selects below replace)
    (local.set $ki (i32x4.trunc_sat_f64x2_s_zero (local.get $kd)))
    (local.set $r (f64x2.add
      (f64x2.add (local.get $x) (f64x2.mul (local.get $kd) (v128.const f64x2 @NEGLN2HIN @NEGLN2HIN)))
      (f64x2.mul (local.get $kd) (v128.const f64x2 @NEGLN2LON @NEGLN2LON))))
    (local.set $j (i32x4.shl (v128.and (local.get $ki) (v128.const i64x2 0x0000007f0000007f 0x0000007f0000007f)) (i32.const 4)))
    (local.set $e0 (v128.load offset=@EXP_TABLE_PTR (i32x4.extract_lane 0 (local.get $j))))
    (local.set $e1 (v128.load offset=@EXP_TABLE_PTR (i32x4.extract_lane 1 (local.get $j))))
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $tmp (f64x2.add
      (f64x2.add
        (f64x2.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $e0) (local.get $e1))
          (local.get $r))
        (f64x2.mul (local.get $r2)
          (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r) (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3)))))
      (f64x2.mul (f64x2.mul (local.get $r2) (local.get $r2))
        (f64x2.add (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5)
          (f64x2.mul (local.get $r) (v128.const f64x2 0x1.1111111111111p-7 0x1.1111111111111p-7))))))
    (local.set $H (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $e0) (local.get $e1)))
    (local.set $y (f64x2.add (local.get $H) (f64x2.mul (local.get $H) (local.get $tmp))))
    ;; y*2^e, e = k>>7. Where |x| <= 708 on both lanes, 2^e is a normal double and one product
    ;; rounds once, exactly as the two-step product below does; otherwise y*2^eh*2^(e-eh),
    ;; eh = e>>1 (exact, then one rounding), and the thresholds' selects.
    (local.set $e (i32x4.shr_s (local.get $ki) (i32.const 7)))
    (if (result v128)
      (v128.any_true (v128.or
        (f64x2.gt (f64x2.abs (local.get $x)) (v128.const f64x2 708 708))
        (f64x2.ne (local.get $x) (local.get $x))))
      (then
        (local.set $eh (i32x4.shr_s (local.get $e) (i32.const 1)))
        (local.set $y (f64x2.mul
          (f64x2.mul (local.get $y) (call $pow2i32 (local.get $eh)))
          (call $pow2i32 (i32x4.sub (local.get $e) (local.get $eh)))))
        (local.set $y (v128.bitselect (v128.const f64x2 inf inf) (local.get $y)
          (f64x2.gt (local.get $x) (v128.const f64x2 7.09782712893383973096e2 7.09782712893383973096e2))))
        (v128.bitselect (v128.const i64x2 0 0) (local.get $y)
          (f64x2.lt (local.get $x) (v128.const f64x2 -7.45133219101941108420e2 -7.45133219101941108420e2))))
      (else (f64x2.mul (local.get $y) (call $pow2i32 (local.get $e))))))

  ;; ---------------------------------------------------------------------------------------------
  ;; log: fdlibm e_log.c (see log in elementary.ts).
  (func $log (param $x v128) (result v128)
    (local $sub v128) (local $xs v128) (local $hx v128) (local $k v128) (local $e v128) (local $i v128)
    (local $f v128) (local $dk v128) (local $resA v128) (local $s v128) (local $z v128) (local $w v128)
    (local $R v128) (local $hfsq v128) (local $resB v128) (local $resC v128) (local $res v128)
    (local.set $sub (i64x2.lt_s (call $hi (local.get $x)) (v128.const i64x2 0x00100000 0x00100000)))
    (local.set $xs (v128.bitselect
      (f64x2.mul (local.get $x) (v128.const f64x2 1.8014398509481984e16 1.8014398509481984e16))
      (local.get $x) (local.get $sub)))
    (local.set $k (v128.and (local.get $sub) (v128.const i64x2 -54 -54)))
    (local.set $hx (call $hi (local.get $xs)))
    (local.set $e (i64x2.sub (i64x2.shr_s (local.get $hx) (i32.const 20)) (v128.const i64x2 1023 1023)))
    (local.set $hx (v128.and (local.get $hx) (v128.const i64x2 0x000fffff 0x000fffff)))
    (local.set $i (v128.and (i64x2.add (local.get $hx) (v128.const i64x2 0x95f64 0x95f64))
      (v128.const i64x2 0x100000 0x100000)))
    (local.set $e (i64x2.add (local.get $e) (i64x2.shr_s (local.get $i) (i32.const 20))))
    (local.set $k (i64x2.add (local.get $k) (local.get $e)))
    ;; set the high word to hx | (i ^ 0x3ff00000): x scaled into [sqrt2/2, sqrt2)
    (local.set $f (f64x2.sub
      (v128.or (v128.and (local.get $xs) (v128.const i64x2 0xffffffff 0xffffffff))
        (i64x2.shl (v128.or (local.get $hx) (v128.xor (local.get $i) (v128.const i64x2 0x3ff00000 0x3ff00000)))
          (i32.const 32)))
      (v128.const f64x2 1 1)))
    (local.set $dk (call $i64tof64 (local.get $k)))
    ;; A: |f| < 2^-20
    (local.set $resA (f64x2.sub
      (f64x2.mul (local.get $dk) (v128.const f64x2 6.93147180369123816490e-1 6.93147180369123816490e-1))
      (f64x2.sub
        (f64x2.sub
          (f64x2.mul (f64x2.mul (local.get $f) (local.get $f))
            (f64x2.sub (v128.const f64x2 0.5 0.5) (f64x2.mul (v128.const f64x2 0.33333333333333333 0.33333333333333333) (local.get $f))))
          (f64x2.mul (local.get $dk) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))
        (local.get $f))))
    (local.set $s (f64x2.div (local.get $f) (f64x2.add (v128.const f64x2 2 2) (local.get $f))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $w (f64x2.mul (local.get $z) (local.get $z)))
    (local.set $R (f64x2.add
      (f64x2.mul (local.get $z)
        (f64x2.add (v128.const f64x2 6.666666666666735130e-1 6.666666666666735130e-1) (f64x2.mul (local.get $w)
        (f64x2.add (v128.const f64x2 2.857142874366239149e-1 2.857142874366239149e-1) (f64x2.mul (local.get $w)
        (f64x2.add (v128.const f64x2 1.818357216161805012e-1 1.818357216161805012e-1) (f64x2.mul (local.get $w)
          (v128.const f64x2 1.479819860511658591e-1 1.479819860511658591e-1))))))))
      (f64x2.mul (local.get $w)
        (f64x2.add (v128.const f64x2 3.999999999940941908e-1 3.999999999940941908e-1) (f64x2.mul (local.get $w)
        (f64x2.add (v128.const f64x2 2.222219843214978396e-1 2.222219843214978396e-1) (f64x2.mul (local.get $w)
          (v128.const f64x2 1.531383769920937332e-1 1.531383769920937332e-1))))))))
    (local.set $hfsq (f64x2.mul (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $f)) (local.get $f)))
    (local.set $resB (f64x2.sub
      (f64x2.mul (local.get $dk) (v128.const f64x2 6.93147180369123816490e-1 6.93147180369123816490e-1))
      (f64x2.sub
        (f64x2.sub (local.get $hfsq)
          (f64x2.add (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq) (local.get $R)))
            (f64x2.mul (local.get $dk) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))))
        (local.get $f))))
    (local.set $resC (f64x2.sub
      (f64x2.mul (local.get $dk) (v128.const f64x2 6.93147180369123816490e-1 6.93147180369123816490e-1))
      (f64x2.sub
        (f64x2.sub (f64x2.mul (local.get $s) (f64x2.sub (local.get $f) (local.get $R)))
          (f64x2.mul (local.get $dk) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))
        (local.get $f))))
    (local.set $res (v128.bitselect (local.get $resB) (local.get $resC)
      (i64x2.gt_s
        (v128.or (i64x2.sub (local.get $hx) (v128.const i64x2 0x6147a 0x6147a))
          (i64x2.sub (v128.const i64x2 0x6b851 0x6b851) (local.get $hx)))
        (v128.const i64x2 0 0))))
    (local.set $res (v128.bitselect (local.get $resA) (local.get $res)
      (i64x2.lt_s (v128.and (i64x2.add (local.get $hx) (v128.const i64x2 2 2)) (v128.const i64x2 0x000fffff 0x000fffff))
        (v128.const i64x2 3 3))))
    ;; +inf and NaN: x + x; x < 0: NaN; +-0: -inf
    (local.set $res (v128.bitselect (f64x2.add (local.get $x) (local.get $x)) (local.get $res)
      (v128.or (f64x2.ne (local.get $x) (local.get $x)) (f64x2.eq (local.get $x) (v128.const f64x2 inf inf)))))
    (local.set $res (v128.bitselect (v128.const f64x2 nan nan) (local.get $res)
      (f64x2.lt (local.get $x) (v128.const f64x2 0 0))))
    (v128.bitselect (v128.const f64x2 -inf -inf) (local.get $res)
      (f64x2.eq (local.get $x) (v128.const f64x2 0 0))))

  ;; ---------------------------------------------------------------------------------------------
  ;; log1p: fdlibm s_log1p.c (see log1p in elementary.ts).
  (func $log1p (param $x v128) (result v128)
    (local $hx v128) (local $ax v128) (local $A v128) (local $k0 v128) (local $lt53 v128) (local $u v128)
    (local $hu v128) (local $k v128) (local $c v128) (local $up v128) (local $f v128) (local $dk v128)
    (local $hfsq v128) (local $resH v128) (local $s v128) (local $z v128) (local $res v128) (local $hub v128)
    (local $one v128)
    (local.set $hx (call $hi (local.get $x)))
    (local.set $ax (v128.and (local.get $hx) (v128.const i64x2 0x7fffffff 0x7fffffff)))
    (local.set $A (i64x2.lt_s (local.get $hx) (v128.const i64x2 0x3fda827a 0x3fda827a)))
    (local.set $k0 (v128.and (local.get $A)
      (v128.or (i64x2.gt_s (local.get $hx) (v128.const i64x2 0 0))
        (i64x2.le_s (local.get $hx) (v128.const i64x2 -1076707644 -1076707644)))))
    ;; general path: u = 1 + x (or x itself from 2^53 on), c = ((1 + x) - u)/u
    (local.set $lt53 (i64x2.lt_s (local.get $hx) (v128.const i64x2 0x43400000 0x43400000)))
    (local.set $one (v128.const f64x2 1 1))
    (local.set $u (v128.bitselect (f64x2.add (local.get $one) (local.get $x)) (local.get $x) (local.get $lt53)))
    (local.set $hu (call $hi (local.get $u)))
    (local.set $k (i64x2.sub (i64x2.shr_s (local.get $hu) (i32.const 20)) (v128.const i64x2 1023 1023)))
    (local.set $c (v128.and (local.get $lt53)
      (f64x2.div
        (v128.bitselect
          (f64x2.sub (local.get $one) (f64x2.sub (local.get $u) (local.get $x)))
          (f64x2.sub (local.get $x) (f64x2.sub (local.get $u) (local.get $one)))
          (i64x2.gt_s (local.get $k) (v128.const i64x2 0 0)))
        (local.get $u))))
    (local.set $hu (v128.and (local.get $hu) (v128.const i64x2 0x000fffff 0x000fffff)))
    (local.set $up (i64x2.ge_s (local.get $hu) (v128.const i64x2 0x6a09e 0x6a09e)))
    (local.set $k (i64x2.sub (local.get $k) (local.get $up))) ;; up is -1 where set: k + 1
    ;; u normalized: high word hu | 0x3ff00000, or hu | 0x3fe00000 where up
    (local.set $f (f64x2.sub
      (v128.or (v128.and (local.get $u) (v128.const i64x2 0xffffffff 0xffffffff))
        (i64x2.shl (v128.or (local.get $hu)
          (v128.bitselect (v128.const i64x2 0x3fe00000 0x3fe00000) (v128.const i64x2 0x3ff00000 0x3ff00000) (local.get $up)))
          (i32.const 32)))
      (local.get $one)))
    (local.set $hub (v128.bitselect
      (i64x2.shr_s (i64x2.sub (v128.const i64x2 0x00100000 0x00100000) (local.get $hu)) (i32.const 2))
      (local.get $hu) (local.get $up)))
    ;; k = 0 path: f = x, c = 0, hu = 1
    (local.set $f (v128.bitselect (local.get $x) (local.get $f) (local.get $k0)))
    (local.set $k (v128.andnot (local.get $k) (local.get $k0)))
    (local.set $c (v128.andnot (local.get $c) (local.get $k0)))
    (local.set $hub (v128.bitselect (v128.const i64x2 1 1) (local.get $hub) (local.get $k0)))
    (local.set $dk (call $i64tof64 (local.get $k)))
    (local.set $hfsq (f64x2.mul (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $f)) (local.get $f)))
    (local.set $resH (f64x2.sub
      (f64x2.mul (local.get $dk) (v128.const f64x2 6.93147180369123816490e-1 6.93147180369123816490e-1))
      (f64x2.sub
        (f64x2.sub
          (f64x2.mul (local.get $hfsq)
            (f64x2.sub (local.get $one) (f64x2.mul (v128.const f64x2 0.66666666666666666 0.66666666666666666) (local.get $f))))
          (f64x2.add (f64x2.mul (local.get $dk) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))
            (local.get $c)))
        (local.get $f))))
    (local.set $s (f64x2.div (local.get $f) (f64x2.add (v128.const f64x2 2 2) (local.get $f))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $res (f64x2.sub
      (f64x2.mul (local.get $dk) (v128.const f64x2 6.93147180369123816490e-1 6.93147180369123816490e-1))
      (f64x2.sub
        (f64x2.sub (local.get $hfsq)
          (f64x2.add
            (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq)
              (f64x2.mul (local.get $z)
                (f64x2.add (v128.const f64x2 6.666666666666735130e-1 6.666666666666735130e-1) (f64x2.mul (local.get $z)
                (f64x2.add (v128.const f64x2 3.999999999940941908e-1 3.999999999940941908e-1) (f64x2.mul (local.get $z)
                (f64x2.add (v128.const f64x2 2.857142874366239149e-1 2.857142874366239149e-1) (f64x2.mul (local.get $z)
                (f64x2.add (v128.const f64x2 2.222219843214978396e-1 2.222219843214978396e-1) (f64x2.mul (local.get $z)
                (f64x2.add (v128.const f64x2 1.818357216161805012e-1 1.818357216161805012e-1) (f64x2.mul (local.get $z)
                (f64x2.add (v128.const f64x2 1.531383769920937332e-1 1.531383769920937332e-1) (f64x2.mul (local.get $z)
                  (v128.const f64x2 1.479819860511658591e-1 1.479819860511658591e-1))))))))))))))))
            (f64x2.add (f64x2.mul (local.get $dk) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))
              (local.get $c))))
        (local.get $f))))
    (local.set $res (v128.bitselect (local.get $resH) (local.get $res)
      (i64x2.eq (local.get $hub) (v128.const i64x2 0 0))))
    ;; |x| < 2^-29: x - x^2/2, and x itself below 2^-54
    (local.set $res (v128.bitselect
      (v128.bitselect (local.get $x)
        (f64x2.sub (local.get $x) (f64x2.mul (f64x2.mul (local.get $x) (local.get $x)) (v128.const f64x2 0.5 0.5)))
        (i64x2.lt_s (local.get $ax) (v128.const i64x2 0x3c900000 0x3c900000)))
      (local.get $res)
      (i64x2.lt_s (local.get $ax) (v128.const i64x2 0x3e200000 0x3e200000))))
    ;; +inf and NaN: x + x (setting u's exponent field would turn a NaN into a number);
    ;; x < -1: NaN; x = -1: -inf
    (local.set $res (v128.bitselect (f64x2.add (local.get $x) (local.get $x)) (local.get $res)
      (v128.or (f64x2.ne (local.get $x) (local.get $x)) (f64x2.eq (local.get $x) (v128.const f64x2 inf inf)))))
    (local.set $res (v128.bitselect (v128.const f64x2 nan nan) (local.get $res)
      (f64x2.lt (local.get $x) (v128.const f64x2 -1 -1))))
    (v128.bitselect (v128.const f64x2 -inf -inf) (local.get $res)
      (f64x2.eq (local.get $x) (v128.const f64x2 -1 -1))))

  ;; ---------------------------------------------------------------------------------------------
  ;; expm1: fdlibm s_expm1.c (see expm1 in elementary.ts).
  (func $expm1 (param $x v128) (result v128)
    (local $ax v128) (local $neg v128) (local $red v128) (local $t v128) (local $k v128) (local $hi v128)
    (local $lo v128) (local $xr v128) (local $c v128) (local $hfx v128) (local $hxs v128) (local $r1 v128)
    (local $tt v128) (local $e v128) (local $e2 v128) (local $res v128) (local $ki v128) (local $one v128)
    (local $r v128)
    (local.set $one (v128.const f64x2 1 1))
    (local.set $ax (f64x2.abs (local.get $x)))
    (local.set $neg (f64x2.lt (local.get $x) (v128.const f64x2 0 0)))
    (local.set $red (f64x2.ge (local.get $ax) (v128.const f64x2 0.3465735912322998 0.3465735912322998)))
    ;; t = +-1 below 1.5*ln2, else trunc(x/ln2 +- 1/2); 0 when x is not reduced
    (local.set $t (v128.bitselect
      (v128.bitselect (v128.const f64x2 -1 -1) (local.get $one) (local.get $neg))
      (f64x2.trunc (f64x2.add (f64x2.mul (v128.const f64x2 1.44269504088896338700e0 1.44269504088896338700e0) (local.get $x))
        (v128.bitselect (v128.const f64x2 -0.5 -0.5) (v128.const f64x2 0.5 0.5) (local.get $neg))))
      (f64x2.lt (local.get $ax) (v128.const f64x2 1.0397205352783203 1.0397205352783203))))
    (local.set $t (v128.and (local.get $t) (local.get $red)))
    (local.set $hi (f64x2.sub (local.get $x) (f64x2.mul (local.get $t) (v128.const f64x2 6.93147180369123816490e-1 6.93147180369123816490e-1))))
    (local.set $lo (f64x2.mul (local.get $t) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))
    (local.set $xr (v128.bitselect (f64x2.sub (local.get $hi) (local.get $lo)) (local.get $x) (local.get $red)))
    (local.set $c (v128.and (f64x2.sub (f64x2.sub (local.get $hi) (local.get $xr)) (local.get $lo)) (local.get $red)))
    (local.set $ki (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $t))))
    (local.set $hfx (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $xr)))
    (local.set $hxs (f64x2.mul (local.get $xr) (local.get $hfx)))
    (local.set $r1 (f64x2.add (local.get $one) (f64x2.mul (local.get $hxs)
      (f64x2.add (v128.const f64x2 -3.33333333333331316428e-2 -3.33333333333331316428e-2) (f64x2.mul (local.get $hxs)
      (f64x2.add (v128.const f64x2 1.58730158725481460165e-3 1.58730158725481460165e-3) (f64x2.mul (local.get $hxs)
      (f64x2.add (v128.const f64x2 -7.93650757867487942473e-5 -7.93650757867487942473e-5) (f64x2.mul (local.get $hxs)
      (f64x2.add (v128.const f64x2 4.00821782732936239552e-6 4.00821782732936239552e-6) (f64x2.mul (local.get $hxs)
        (v128.const f64x2 -2.01099218183624371326e-7 -2.01099218183624371326e-7))))))))))))
    (local.set $tt (f64x2.sub (v128.const f64x2 3 3) (f64x2.mul (local.get $r1) (local.get $hfx))))
    (local.set $e (f64x2.mul (local.get $hxs)
      (f64x2.div (f64x2.sub (local.get $r1) (local.get $tt))
        (f64x2.sub (v128.const f64x2 6 6) (f64x2.mul (local.get $xr) (local.get $tt))))))
    (local.set $e2 (f64x2.sub
      (f64x2.sub (f64x2.mul (local.get $xr) (f64x2.sub (local.get $e) (local.get $c))) (local.get $c))
      (local.get $hxs)))
    ;; 20 <= k <= 56: (x - (e + 2^-k) + 1)*2^k
    (local.set $res (f64x2.mul
      (f64x2.add (f64x2.sub (local.get $xr) (f64x2.add (local.get $e2) (call $pow2 (i64x2.neg (local.get $ki)))))
        (local.get $one))
      (call $pow2 (local.get $ki))))
    ;; 2 <= k < 20: (1 - 2^-k - (e - x))*2^k
    (local.set $res (v128.bitselect
      (f64x2.mul
        (f64x2.sub (f64x2.sub (local.get $one) (call $pow2 (i64x2.neg (local.get $ki))))
          (f64x2.sub (local.get $e2) (local.get $xr)))
        (call $pow2 (local.get $ki)))
      (local.get $res)
      (i64x2.lt_s (local.get $ki) (v128.const i64x2 20 20))))
    ;; k <= -2 or k > 56: 2^k*(1 - (e - x)) - 1
    (local.set $res (v128.bitselect
      (f64x2.sub (call $scale (f64x2.sub (local.get $one) (f64x2.sub (local.get $e2) (local.get $xr))) (local.get $ki))
        (local.get $one))
      (local.get $res)
      (v128.or (i64x2.le_s (local.get $ki) (v128.const i64x2 -2 -2)) (i64x2.gt_s (local.get $ki) (v128.const i64x2 56 56)))))
    ;; k = 1
    (local.set $res (v128.bitselect
      (v128.bitselect
        (f64x2.mul (v128.const f64x2 -2 -2) (f64x2.sub (local.get $e2) (f64x2.add (local.get $xr) (v128.const f64x2 0.5 0.5))))
        (f64x2.add (local.get $one) (f64x2.mul (v128.const f64x2 2 2) (f64x2.sub (local.get $xr) (local.get $e2))))
        (f64x2.lt (local.get $xr) (v128.const f64x2 -0.25 -0.25)))
      (local.get $res)
      (i64x2.eq (local.get $ki) (v128.const i64x2 1 1))))
    ;; k = -1
    (local.set $res (v128.bitselect
      (f64x2.sub (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.sub (local.get $xr) (local.get $e2))) (v128.const f64x2 0.5 0.5))
      (local.get $res)
      (i64x2.eq (local.get $ki) (v128.const i64x2 -1 -1))))
    ;; k = 0
    (local.set $res (v128.bitselect
      (f64x2.sub (local.get $xr) (f64x2.sub (f64x2.mul (local.get $xr) (local.get $e)) (local.get $hxs)))
      (local.get $res)
      (i64x2.eq (local.get $ki) (v128.const i64x2 0 0))))
    ;; |x| < 2^-54: x
    (local.set $res (v128.bitselect (local.get $x) (local.get $res)
      (f64x2.lt (local.get $ax) (v128.const f64x2 5.551115123125783e-17 5.551115123125783e-17))))
    ;; x <= -38.8...: -1; x > 709.78...: +inf; NaN: NaN
    (local.set $res (v128.bitselect (v128.const f64x2 -1 -1) (local.get $res)
      (f64x2.le (local.get $x) (v128.const f64x2 -38.81622314453125 -38.81622314453125))))
    (local.set $res (v128.bitselect (v128.const f64x2 inf inf) (local.get $res)
      (f64x2.gt (local.get $x) (v128.const f64x2 7.09782712893383973096e2 7.09782712893383973096e2))))
    (v128.bitselect (local.get $x) (local.get $res) (f64x2.ne (local.get $x) (local.get $x))))

  ;; ---------------------------------------------------------------------------------------------
  ;; tanh: the series below 1/8, e^(2|x|) from exp's table scheme above it (see tanh in
  ;; elementary.ts); both are evaluated and each lane keeps its own.
  (func $tanh (param $x v128) (result v128)
    (local $a v128) (local $a2 v128) (local $small v128) (local $y v128) (local $kd v128) (local $ki v128)
    (local $r v128) (local $j v128) (local $e0 v128) (local $e1 v128) (local $r2 v128) (local $tmp v128)
    (local $S v128) (local $d0 v128) (local $dl0 v128) (local $d v128) (local $dl v128) (local $q0 v128)
    (local $cs v128) (local $qh v128) (local $ql v128) (local $dh v128) (local $dlo v128) (local $pp v128)
    (local $pe v128) (local $qc v128) (local $s1 v128) (local $z v128) (local $sign v128) (local $m v128)
    (local.set $sign (v128.and (local.get $x) (v128.const i64x2 0x8000000000000000 0x8000000000000000)))
    (local.set $a (f64x2.abs (local.get $x)))
    ;; e^(2a) = S*(1 + tmp)
    (local.set $y (f64x2.add (local.get $a) (local.get $a)))
    (local.set $kd (f64x2.sub
      (f64x2.add (f64x2.mul (local.get $y) (v128.const f64x2 @INVLN2N @INVLN2N))
        (v128.const f64x2 6755399441055744 6755399441055744))
      (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $ki (i32x4.trunc_sat_f64x2_s_zero (local.get $kd)))
    (local.set $r (f64x2.add
      (f64x2.add (local.get $y) (f64x2.mul (local.get $kd) (v128.const f64x2 @NEGLN2HIN @NEGLN2HIN)))
      (f64x2.mul (local.get $kd) (v128.const f64x2 @NEGLN2LON @NEGLN2LON))))
    (local.set $j (i32x4.shl (v128.and (local.get $ki) (v128.const i64x2 0x0000007f0000007f 0x0000007f0000007f)) (i32.const 4)))
    (local.set $e0 (v128.load offset=@EXP_TABLE_PTR (i32x4.extract_lane 0 (local.get $j))))
    (local.set $e1 (v128.load offset=@EXP_TABLE_PTR (i32x4.extract_lane 1 (local.get $j))))
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $tmp (f64x2.add
      (f64x2.add
        (f64x2.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $e0) (local.get $e1))
          (local.get $r))
        (f64x2.mul (local.get $r2)
          (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r) (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3)))))
      (f64x2.mul (f64x2.mul (local.get $r2) (local.get $r2))
        (f64x2.add (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5)
          (f64x2.mul (local.get $r) (v128.const f64x2 0x1.1111111111111p-7 0x1.1111111111111p-7))))))
    (local.set $S (f64x2.mul
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $e0) (local.get $e1))
      (call $pow2i32 (i32x4.shr_s (local.get $ki) (i32.const 7)))))
    ;; D = S + 1 + S*tmp = d + dl
    (local.set $d0 (f64x2.add (local.get $S) (v128.const f64x2 1 1)))
    (local.set $dl0 (f64x2.add
      (f64x2.sub (v128.const f64x2 1 1) (f64x2.sub (local.get $d0) (local.get $S)))
      (f64x2.mul (local.get $S) (local.get $tmp))))
    (local.set $d (f64x2.add (local.get $d0) (local.get $dl0)))
    (local.set $dl (f64x2.sub (local.get $dl0) (f64x2.sub (local.get $d) (local.get $d0))))
    ;; q = 2/D = q0 + qc
    (local.set $q0 (f64x2.div (v128.const f64x2 2 2) (local.get $d)))
    (local.set $cs (f64x2.mul (v128.const f64x2 134217729 134217729) (local.get $q0)))
    (local.set $qh (f64x2.sub (local.get $cs) (f64x2.sub (local.get $cs) (local.get $q0))))
    (local.set $ql (f64x2.sub (local.get $q0) (local.get $qh)))
    (local.set $cs (f64x2.mul (v128.const f64x2 134217729 134217729) (local.get $d)))
    (local.set $dh (f64x2.sub (local.get $cs) (f64x2.sub (local.get $cs) (local.get $d))))
    (local.set $dlo (f64x2.sub (local.get $d) (local.get $dh)))
    (local.set $pp (f64x2.mul (local.get $q0) (local.get $d)))
    (local.set $pe (f64x2.add
      (f64x2.add
        (f64x2.add (f64x2.sub (f64x2.mul (local.get $qh) (local.get $dh)) (local.get $pp))
          (f64x2.mul (local.get $qh) (local.get $dlo)))
        (f64x2.mul (local.get $ql) (local.get $dh)))
      (f64x2.mul (local.get $ql) (local.get $dlo))))
    (local.set $qc (f64x2.mul
      (f64x2.sub
        (f64x2.sub (f64x2.sub (v128.const f64x2 2 2) (local.get $pp)) (local.get $pe))
        (f64x2.mul (local.get $q0) (local.get $dl)))
      (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $q0))))
    ;; z = 1 - q0 - qc, 1 - q0 = s1 + se exactly
    (local.set $s1 (f64x2.sub (v128.const f64x2 1 1) (local.get $q0)))
    (local.set $z (f64x2.add (local.get $s1)
      (f64x2.sub
        (f64x2.sub (f64x2.sub (v128.const f64x2 1 1) (local.get $s1)) (local.get $q0))
        (local.get $qc))))
    ;; |x| < 1/8 (evaluated only when a lane needs it): a + a*(a^2*(c1 + a^2*(c2 + ... + a^2*c8)))
    (local.set $m (f64x2.lt (local.get $a) (v128.const f64x2 0.125 0.125)))
    (if (v128.any_true (local.get $m))
      (then
    (local.set $a2 (f64x2.mul (local.get $a) (local.get $a)))
    (local.set $small (f64x2.add (local.get $a) (f64x2.mul (local.get $a) (f64x2.mul (local.get $a2)
      (f64x2.add (v128.const f64x2 @TANH_C1 @TANH_C1) (f64x2.mul (local.get $a2) (f64x2.add (v128.const f64x2 @TANH_C2 @TANH_C2) (f64x2.mul (local.get $a2) (f64x2.add (v128.const f64x2 @TANH_C3 @TANH_C3) (f64x2.mul (local.get $a2) (f64x2.add (v128.const f64x2 @TANH_C4 @TANH_C4) (f64x2.mul (local.get $a2) (f64x2.add (v128.const f64x2 @TANH_C5 @TANH_C5) (f64x2.mul (local.get $a2) (f64x2.add (v128.const f64x2 @TANH_C6 @TANH_C6) (f64x2.mul (local.get $a2) (f64x2.add (v128.const f64x2 @TANH_C7 @TANH_C7) (f64x2.mul (local.get $a2) (v128.const f64x2 @TANH_C8 @TANH_C8)))))))))))))))))))
        (local.set $z (v128.bitselect (local.get $small) (local.get $z) (local.get $m)))))
    (local.set $z (v128.or (local.get $z) (local.get $sign)))
    ;; |x| < 2^-28: x; |x| >= 19.1: +-1; NaN: NaN
    (local.set $z (v128.bitselect (local.get $x) (local.get $z)
      (f64x2.lt (local.get $a) (v128.const f64x2 3.725290298461914e-9 3.725290298461914e-9))))
    (local.set $z (v128.bitselect (v128.or (v128.const f64x2 1 1) (local.get $sign)) (local.get $z)
      (f64x2.ge (local.get $a) (v128.const f64x2 19.1 19.1))))
    (v128.bitselect (local.get $x) (local.get $z) (f64x2.ne (local.get $x) (local.get $x))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Array kernels: out[i] = f(in[i]) for i < n, two lanes at a time (exp: four), n rounded up to
  ;; a multiple of 2 (4): the extra lanes read the window's padding and are never copied back.
  (func (export "exp") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (v128.store (local.get $out) (call $exp (v128.load (local.get $in))))
      (v128.store offset=16 (local.get $out) (call $exp (v128.load offset=16 (local.get $in))))
      (local.set $in (i32.add (local.get $in) (i32.const 32)))
      (local.set $out (i32.add (local.get $out) (i32.const 32)))
      (br $l))))

  ;; out = exp(in - shift): the rows of softmax and log-sum-exp
  (func (export "expShift") (param $in i32) (param $out i32) (param $n i32) (param $shift f64)
    (local $end i32) (local $s v128)
    (local.set $s (f64x2.splat (local.get $shift)))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (v128.store (local.get $out) (call $exp (f64x2.sub (v128.load (local.get $in)) (local.get $s))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))

  (func (export "log") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (v128.store (local.get $out) (call $log (v128.load (local.get $in))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))

  (func (export "log1p") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (v128.store (local.get $out) (call $log1p (v128.load (local.get $in))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))

  (func (export "expm1") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (v128.store (local.get $out) (call $expm1 (v128.load (local.get $in))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))

  (func (export "tanh") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (v128.store (local.get $out) (call $tanh (v128.load (local.get $in))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))

  ;; out = exp(-|c*in|) (c*in rounded first): the backwards of sigmoid (c = 1), tanh (c = 2),
  ;; softplus (c = beta), SiLU and GELU's tanh form
  (func (export "expNegAbs") (param $in i32) (param $out i32) (param $n i32) (param $c f64)
    (local $end i32) (local $s v128)
    (local.set $s (f64x2.splat (local.get $c)))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (v128.store (local.get $out)
        (call $exp (f64x2.neg (f64x2.abs (f64x2.mul (local.get $s) (v128.load (local.get $in)))))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))

  ;; sigmoid(x) = n/(1 + e), e = exp(-|x|), n = 1 for x >= 0 else e
  (func (export "sigmoid") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32) (local $x v128) (local $e v128)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (local.set $x (v128.load (local.get $in)))
      (local.set $e (call $exp (f64x2.neg (f64x2.abs (local.get $x)))))
      (v128.store (local.get $out)
        (f64x2.div
          (v128.bitselect (v128.const f64x2 1 1) (local.get $e) (f64x2.ge (local.get $x) (v128.const f64x2 0 0)))
          (f64x2.add (v128.const f64x2 1 1) (local.get $e))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))

  ;; softplus: z = beta*x; x where z > threshold, else (max(z, 0) + log1p(exp(-|z|)))/beta
  (func (export "softplus") (param $in i32) (param $out i32) (param $n i32) (param $beta f64) (param $threshold f64)
    (local $end i32) (local $x v128) (local $z v128) (local $b v128) (local $th v128)
    (local.set $b (f64x2.splat (local.get $beta)))
    (local.set $th (f64x2.splat (local.get $threshold)))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (local.set $x (v128.load (local.get $in)))
      (local.set $z (f64x2.mul (local.get $b) (local.get $x)))
      (v128.store (local.get $out)
        (v128.bitselect (local.get $x)
          (f64x2.div
            (f64x2.add
              (v128.and (local.get $z) (f64x2.gt (local.get $z) (v128.const f64x2 0 0)))
              (call $log1p (call $exp (f64x2.neg (f64x2.abs (local.get $z))))))
            (local.get $b))
          (f64x2.gt (local.get $z) (local.get $th))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))
)
