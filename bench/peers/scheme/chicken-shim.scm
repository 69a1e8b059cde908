;; CHICKEN 5's csi has no R7RS (command-line) without the r7rs egg: define it
;; from (chicken process-context), then load the benchmark given as first argument.
;;   csi -s chicken-shim.scm BENCH.scm ARGS...
(import (chicken process-context))
(define (command-line) (command-line-arguments))
(load (car (command-line-arguments)))
