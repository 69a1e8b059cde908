;; pipeline: closure-heavy map/filter/fold.  For k = 0..REPEAT-1, over the list
;; 0..N-1: keep the x with x+k odd, map them through (compose (adder k) (scaler 3)),
;; fold the results with a closure.  Args: N REPEAT.  Prints the grand total.
(define (compose f g) (lambda (x) (f (g x))))
(define (make-adder k) (lambda (x) (+ x k)))
(define (make-scaler k) (lambda (x) (* x k)))

(define (keep pred lst)
  (let loop ((l lst) (acc '()))
    (cond ((null? l) (reverse acc))
          ((pred (car l)) (loop (cdr l) (cons (car l) acc)))
          (else (loop (cdr l) acc)))))

(define (fold-left f acc lst)
  (if (null? lst)
      acc
      (fold-left f (f acc (car lst)) (cdr lst))))

(define (iota0 n)
  (let loop ((i (- n 1)) (l '()))
    (if (< i 0)
        l
        (loop (- i 1) (cons i l)))))

(define (pipeline xs k)
  (fold-left (lambda (acc x) (+ acc x))
             0
             (map (compose (make-adder k) (make-scaler 3))
                  (keep (lambda (x) (odd? (+ x k))) xs))))

(define args (cdr (command-line)))
(define xs (iota0 (string->number (car args))))
(define repeat (string->number (cadr args)))
(define (run k total)
  (if (= k repeat)
      total
      (run (+ k 1) (+ total (pipeline xs k)))))
(display (run 0 0))
(newline)
