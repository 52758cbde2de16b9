"""Every public function answers bad input with a ValueError or TypeError whose
message names the argument that was wrong (DESIGN: bad input; book/api.md).

The table below has rows for every public function of every module (the names
in each module's ``__all__``, the plotting modules included); a test checks
that a function added to the API without rows here fails the suite. Each row
is one call with one bad argument, the exception type it must raise, and a
pattern its message must contain: the argument's name and what is allowed.
The family-by-family checks of ``fit`` and ``loglik`` are in
``test_bad_input.py``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings

import numpy as np
import pytest

import mlecourse

RNG = np.random.default_rng(7)
X1 = RNG.normal(size=60)
X2 = RNG.normal(size=(80, 2))
XB = RNG.normal(size=50)
YB = (RNG.random(50) < 0.5).astype(float)
NAN1 = np.r_[X1[:10], np.nan]


def _fit():
    return mlecourse.fit("normal", X1)


def _fit_poisson():
    return mlecourse.fit("poisson", [0, 1, 2, 2, 3])


def _gmm():
    return mlecourse.gmm_em(X1, 2, rng=0)


def _gamma2():
    from scipy import stats

    return stats.gamma(2.0)


def _m(module):
    return importlib.import_module(f"mlecourse.{module}")


def _plots(module):
    import matplotlib

    matplotlib.use("Agg")
    return importlib.import_module(f"mlecourse.plots.{module}")


def _score(t):
    return 1.0 - t


def _info(t):
    return 1.0


# name -> rows of (call, exception type, pattern the message must match)
T, V = TypeError, ValueError
TABLE = {
    # --- families and fit
    "families.get_family": [
        (lambda: _m("families").get_family(3), T, r"family must be a name"),
        (lambda: _m("families").get_family("nromal"), V, r"family.*normal"),
    ],
    "families.loglik": [
        (lambda: _m("families").loglik("normal", X1, mu=0.0, sigma=-1.0), V, r"sigma"),
        (lambda: _m("families").loglik("normal", NAN1, mu=0.0, sigma=1.0), V, r"data.*NaN"),
    ],
    "families.names": [
        (lambda: _m("families").names("normal"), T, r"argument"),
    ],
    "fit.fit": [
        (lambda: mlecourse.fit("normal", []), V, r"data is empty"),
        (lambda: mlecourse.fit("normal", X1, method="newton"), V, r"method"),
    ],
    "fit.fit_numeric": [
        (lambda: mlecourse.fit_numeric("loglik", [0.0]), T, r"loglik must be a function"),
        (lambda: mlecourse.fit_numeric(lambda t: -t[0] ** 2, [np.nan]), V, r"x0"),
    ],
    # --- EM
    "em.em": [
        (lambda: _m("em").em("e", lambda s: s, 0.5), T, r"e_step"),
        (lambda: _m("em").em(lambda th: (th, 0.0), lambda s: s, 0.5, max_iter=0), V,
         r"max_iter"),
    ],
    "em.gmm_em": [
        (lambda: mlecourse.gmm_em(X1, 0), V, r"n_components"),
        (lambda: mlecourse.gmm_em(X1, 2, covariance_type="spherical"), V, r"covariance_type"),
        (lambda: mlecourse.gmm_em(NAN1, 2), V, r"x.*NaN"),
        (lambda: mlecourse.gmm_em(X1, 2, rng=-1), V, r"rng"),
    ],
    "em.semisupervised_gmm_em": [
        (lambda: _m("em").semisupervised_gmm_em(X1, np.zeros(3, int)), V, r"labels"),
        (lambda: _m("em").semisupervised_gmm_em(X1, "abc"), T, r"labels"),
    ],
    "em.linkage_em": [
        (lambda: _m("em").linkage_em((125, 18, -20, 34)), V, r"counts"),
        (lambda: _m("em").linkage_em((125, 18, 20, 34), theta0=1.5), V, r"theta0"),
    ],
    "em.mvn_missing_em": [
        (lambda: _m("em").mvn_missing_em(X1), V, r"X must be 2-D"),
        (lambda: _m("em").mvn_missing_em("x"), T, r"X must be a 2-D array"),
    ],
    "em.squarem": [
        (lambda: _m("em").squarem("map", [0.5], lambda t: 0.0), T, r"em_map"),
        (lambda: _m("em").squarem(lambda t: t, [np.nan], lambda t: 0.0), V, r"theta0.*NaN"),
        (lambda: _m("em").squarem(lambda t: t, [0.5], lambda t: 0.0, max_iter=0), V,
         r"max_iter"),
    ],
    "em.online_gmm_em": [
        (lambda: _m("em").online_gmm_em(X1, 0), V, r"n_components"),
        (lambda: _m("em").online_gmm_em(X1, 2, batch_size=0), V, r"batch_size"),
        (lambda: _m("em").online_gmm_em(X1, 2, kappa=2.0), V, r"kappa"),
    ],
    "em.mixture_information": [
        (lambda: _m("em").mixture_information(NAN1, weights=[.5, .5], means=[0, 1],
                                              sds=[1, 1]), V, r"\bx\b.*NaN"),
        (lambda: _m("em").mixture_information(X1, weights=[.5, .6], means=[0, 1], sds=[1, 1]),
         V, r"weights must sum to 1"),
        (lambda: _m("em").mixture_information(X1, "fit"), T, r"fit must be a GMMResult"),
    ],
    # --- data
    "datasets.load": [
        (lambda: _m("datasets").load("faithfull"), V, r"faithful"),
        (lambda: _m("datasets").load(3), T, r"name"),
    ],
    "datasets.names": [(lambda: _m("datasets").names("x"), T, r"argument")],
    "datasets.load_faithful": [(lambda: _m("datasets").load_faithful(1), T, r"argument")],
    "datasets.load_geyser": [(lambda: _m("datasets").load_geyser(1), T, r"argument")],
    "datasets.load_newcomb": [(lambda: _m("datasets").load_newcomb(1), T, r"argument")],
    "datasets.load_chem": [(lambda: _m("datasets").load_chem(1), T, r"argument")],
    "datasets.load_abbey": [(lambda: _m("datasets").load_abbey(1), T, r"argument")],
    "datasets.load_biochemists": [(lambda: _m("datasets").load_biochemists(1), T, r"argument")],
    # --- diagnostics
    "diagnostics.fitted_distribution": [
        (lambda: _m("diagnostics").fitted_distribution("normal"), T, r"fit_result"),
    ],
    "diagnostics.qq_points": [
        (lambda: _m("diagnostics").qq_points(X1, X1), T, r"fit_result"),
        (lambda: _m("diagnostics").qq_points(_fit(), NAN1), V, r"data.*NaN"),
    ],
    "diagnostics.pit_values": [
        (lambda: _m("diagnostics").pit_values(_fit(), "x"), T, r"data"),
        (lambda: _m("diagnostics").pit_values(_fit(), X1, rng="seed"), T, r"rng"),
    ],
    "diagnostics.count_table": [
        (lambda: _m("diagnostics").count_table(_fit(), X1), V, r"fit_result|count"),
        (lambda: _m("diagnostics").count_table(_fit_poisson(), [0, 1], max_count=-1), V,
         r"max_count"),
    ],
    "diagnostics.lr_test": [
        (lambda: _m("diagnostics").lr_test(_fit(), "big"), T, r"fit_big"),
        (lambda: _m("diagnostics").lr_test(_fit(), _fit(), null="nowhere"), V, r"null"),
    ],
    "diagnostics.kl_divergence": [
        (lambda: _m("diagnostics").kl_divergence("gamma", "normal", mu=0.0, sigma=1.0), T,
         r"truth"),
        (lambda: _m("diagnostics").kl_divergence(_gamma2(), "normal", mu=0.0, sigma=-1.0), V,
         r"sigma"),
    ],
    "diagnostics.kl_projection": [
        (lambda: _m("diagnostics").kl_projection(3, "normal"), T, r"truth"),
        (lambda: _m("diagnostics").kl_projection(_gamma2(), "nromal"), V, r"family.*normal"),
    ],
    # --- tests of hypotheses
    "inference.wald_test": [
        (lambda: _m("inference").wald_test("fit", {"mu": 0.0}), T, r"result must be a FitResult"),
        (lambda: _m("inference").wald_test(_fit(), {"tau": 0.0}), V, r"'tau'.*allowed"),
        (lambda: _m("inference").wald_test(_fit(), {"mu": 0.0}, cov_type="hc0"), V,
         r"cov_type"),
    ],
    "inference.score_test": [
        (lambda: _m("inference").score_test("student_t", X1, {"mu": 0.0}), V, r"families"),
        (lambda: _m("inference").score_test("normal", X1, "mu"), T, r"null must be"),
    ],
    "inference.score_test_regression": [
        (lambda: _m("inference").score_test_regression("fit", XB, YB), T, r"fit_small"),
    ],
    "inference.lr_test": [
        (lambda: _m("inference").lr_test(_fit(), "big"), T, r"fit_big"),
    ],
    "inference.criterion_weights": [
        (lambda: _m("inference").criterion_weights([]), V, r"values is empty"),
        (lambda: _m("inference").criterion_weights([1.0, np.nan]), V, r"values.*NaN"),
    ],
    # --- intervals and simulation
    "intervals.binomial_interval": [
        (lambda: _m("intervals").binomial_interval(30, 25), V, r"\bk\b"),
        (lambda: _m("intervals").binomial_interval(3, 25, method="bayes"), V, r"method"),
        (lambda: _m("intervals").binomial_interval(3, 25, level=95), V, r"level"),
    ],
    "intervals.exact_coverage": [
        (lambda: _m("intervals").exact_coverage(0, 0.5), V, r"\bn\b"),
        (lambda: _m("intervals").exact_coverage(30, 1.5), V, r"\bp\b"),
    ],
    "intervals.map_estimate": [
        (lambda: _m("intervals").map_estimate(3, 25, a=-1.0), V, r"\ba\b"),
        (lambda: _m("intervals").map_estimate(3.5, 25), T, r"\bk\b"),
    ],
    "intervals.posterior_mean": [
        (lambda: _m("intervals").posterior_mean(3, 25, b=0.0), V, r"\bb\b"),
        (lambda: _m("intervals").posterior_mean(3, "n"), T, r"\bn\b"),
    ],
    "simulate.bernoulli_conf_int": [
        (lambda: _m("simulate").bernoulli_conf_int(30, 25), V, r"\bk\b"),
        (lambda: _m("simulate").bernoulli_conf_int(3, 25, method="exact"), V, r"method"),
    ],
    "simulate.coverage": [
        (lambda: _m("simulate").coverage(20, 0.3, reps=0), V, r"reps"),
        (lambda: _m("simulate").coverage(20, -0.3), V, r"\bp\b"),
    ],
    "simulate.customers": [
        (lambda: _m("simulate").customers(0), V, r"\bn\b"),
        (lambda: _m("simulate").customers(10, rng="x"), T, r"rng"),
    ],
    "simulate.exact_coverage": [
        (lambda: _m("simulate").exact_coverage(-3, 0.5), V, r"\bn\b"),
        (lambda: _m("simulate").exact_coverage(30, 0.5, method="bayes"), V, r"method"),
    ],
    "simulate.sampling_distribution": [
        (lambda: _m("simulate").sampling_distribution("normal", {"mu": 0.0}, 10, 5), V,
         r"true_params|sigma"),
        (lambda: _m("simulate").sampling_distribution("normal", {"mu": 0.0, "sigma": 1.0},
                                                      10, 0), V, r"reps"),
    ],
    # --- mixtures fitted directly, Newton, regression, robustness
    "mixture.mixture_loglik": [
        (lambda: _m("mixture").mixture_loglik(X1, [0.5, 0.6], [0, 1], [1, 1]), V, r"weights"),
        (lambda: _m("mixture").mixture_loglik(X1, [0.5, 0.5], [0, 1], [1, -1]), V, r"sds"),
    ],
    "mixture.responsibilities": [
        (lambda: _m("mixture").responsibilities(X1, [0.5, 0.5], [0, 1, 2], [1, 1]), V,
         r"means"),
        (lambda: _m("mixture").responsibilities(NAN1, [0.5, 0.5], [0, 1], [1, 1]), V,
         r"x.*NaN"),
    ],
    "mixture.fit_mixture_direct": [
        (lambda: _m("mixture").fit_mixture_direct(X1, 0), V, r"n_components"),
        (lambda: _m("mixture").fit_mixture_direct(X1, n_starts=0), V, r"n_starts"),
    ],
    "newton.newton": [
        (lambda: _m("newton").newton("score", _info, 0.0), T, r"score"),
        (lambda: _m("newton").newton(_score, _info, 0.0, domain="complex"), V, r"domain"),
        (lambda: _m("newton").newton(_score, _info, -1.0, domain="positive"), V, r"x0"),
    ],
    "regression.detect_separation": [
        (lambda: _m("regression").detect_separation(XB, YB[:-1]), V, r"\by\b"),
        (lambda: _m("regression").detect_separation(XB, YB * 2), V, r"y must contain only 0"),
    ],
    "regression.linear_regression": [
        (lambda: _m("regression").linear_regression(XB, YB, names=3), T, r"names"),
        (lambda: _m("regression").linear_regression(XB, YB, add_intercept=1), T,
         r"add_intercept"),
    ],
    "regression.logistic_regression": [
        (lambda: _m("regression").logistic_regression(XB, YB, max_iter=0), V, r"max_iter"),
        (lambda: _m("regression").logistic_regression(XB, YB, on_separation="x"), V,
         r"on_separation"),
    ],
    "robust.sensitivity_curve": [
        (lambda: _m("robust").sensitivity_curve("median", X1, [0.0]), V, r"estimator"),
        (lambda: _m("robust").sensitivity_curve("normal", X1, [np.nan]), V, r"xs"),
    ],
    "robust.location_mle": [
        (lambda: _m("robust").location_mle("t", X1), V, r"model"),
        (lambda: _m("robust").location_mle("student_t", X1, nu=-1.0), V, r"\bnu\b"),
    ],
    "robust.psi": [
        (lambda: _m("robust").psi("tukey", [0.0]), V, r"model must be one of"),
        (lambda: _m("robust").psi("huber", [0.0], k=-1.0), V, r"\bk must be positive"),
    ],
    "robust.huber_location": [
        (lambda: _m("robust").huber_location(NAN1), V, r"data.*NaN"),
        (lambda: _m("robust").huber_location(X1, scale=0.0), V, r"scale must be positive"),
    ],
    "robust.least_favourable_logpdf": [
        (lambda: _m("robust").least_favourable_logpdf([np.nan]), V, r"\bz\b.*NaN"),
        (lambda: _m("robust").least_favourable_logpdf([0.0], k=0.0), V, r"\bk must be"),
    ],
    "robust.least_favourable_epsilon": [
        (lambda: _m("robust").least_favourable_epsilon(-1.0), V, r"\bk must be positive"),
        (lambda: _m("robust").least_favourable_epsilon("k"), T, r"\bk must be a real"),
    ],
    "robust.m_location": [
        (lambda: _m("robust").m_location(X1, "tukey"), V, r"model must be one of"),
        (lambda: _m("robust").m_location(NAN1, "huber"), V, r"data.*NaN"),
    ],
    "robust.influence_function": [
        (lambda: _m("robust").influence_function("tukey", [0.0]), V, r"model must be one of"),
        (lambda: _m("robust").influence_function("huber", [np.nan]), V, r"\bx\b.*NaN"),
    ],
    "robust.asymptotic_variance": [
        (lambda: _m("robust").asymptotic_variance("tukey"), V, r"model must be one of"),
        (lambda: _m("robust").asymptotic_variance("student_t", nu=-1.0), V, r"\bnu must be"),
    ],
    "diagnostics.tic": [
        (lambda: _m("diagnostics").tic("fit"), T, r"fit_result must be a FitResult"),
    ],
    "diagnostics.tic_penalty": [
        (lambda: _m("diagnostics").tic_penalty(3), T, r"fit_result must be a FitResult"),
    ],
    "diagnostics.bootstrap_fit": [
        (lambda: _m("diagnostics").bootstrap_fit("nromal", X1), V, r"family 'nromal'"),
        (lambda: _m("diagnostics").bootstrap_fit("normal", X1, n_boot=0), V, r"n_boot"),
    ],
    # --- self-checks
    "checks.register": [
        (lambda: _m("checks").register(3), T, r"label"),
    ],
    "checks.registered_labels": [
        (lambda: _m("checks").registered_labels("x"), T, r"argument"),
    ],
    "checks.approx": [
        (lambda: _m("checks").approx(1.0, 1.0, rtol=-1.0), V, r"rtol"),
    ],
    "checks.as_number": [
        (lambda: _m("checks").as_number("abc", "se"), V, r"se"),
    ],
    "checks.as_whole_number": [
        (lambda: _m("checks").as_whole_number(2.5, "n"), V, r"\bn\b"),
    ],
    "checks.as_numbers": [
        (lambda: _m("checks").as_numbers((1.0,), 2, names=("a", "b")), V, r"tuple of two"),
    ],
    "checks.as_sequence": [
        (lambda: _m("checks").as_sequence((1.0, 2.0, 3.0), 2), V, r"tuple of two"),
    ],
    "checks.as_vector": [
        (lambda: _m("checks").as_vector([1.0, 2.0], 3, "means"), V, r"means"),
    ],
    "checks.as_choice": [
        (lambda: _m("checks").as_choice("e", "abcd"), V, r"a, b, c|abcd|'a'"),
    ],
    # --- widgets
    "widgets.likelihood_explorer": [
        (lambda: _m("widgets").likelihood_explorer("nromal"), V, r"family"),
        (lambda: _m("widgets").likelihood_explorer("bernoulli", n=0), V, r"\bn\b"),
    ],
    "widgets.newton_stepper": [
        (lambda: _m("widgets").newton_stepper("ll", _score, _info, start=0.0,
                                              start_range=(-1, 1), grid=np.linspace(-1, 1, 5)),
         T, r"loglik"),
        (lambda: _m("widgets").newton_stepper(lambda t: -t**2, _score, _info, start=0.0,
                                              start_range=(-1, 1), grid=np.linspace(-1, 1, 5),
                                              max_steps=0), V, r"max_steps"),
    ],
    "widgets_em.em_stepper": [
        (lambda: _m("widgets_em").em_stepper(X1, 0), V, r"n_components"),
        (lambda: _m("widgets_em").em_stepper(NAN1, 2), V, r"x.*NaN"),
    ],
    # --- plots
    "plots.likelihood.plot_likelihood_curve": [
        (lambda: _plots("likelihood").plot_likelihood_curve("normal", X1, "tau"), V, r"param"),
    ],
    "plots.likelihood.plot_loglik_contour": [
        (lambda: _plots("likelihood").plot_loglik_contour("normal", X1, params=("mu",)), V,
         r"params"),
    ],
    "plots.likelihood.plot_newton_steps": [
        (lambda: _plots("likelihood").plot_newton_steps("ll", [0.0, 1.0]), T, r"loglik"),
    ],
    "plots.likelihood.plot_data_model": [
        (lambda: _plots("likelihood").plot_data_model("normal", NAN1, mu=0.0, sigma=1.0), V,
         r"data.*NaN"),
    ],
    "plots.likelihood.animate_likelihood": [
        (lambda: _plots("likelihood").animate_likelihood("normal", X1, "mu", []), V,
         r"values"),
    ],
    "plots.likelihood.animate_newton": [
        (lambda: _plots("likelihood").animate_newton(lambda t: -t**2, []), T, r"path"),
    ],
    "plots.likelihood.param_symbol": [
        (lambda: _plots("likelihood").param_symbol("normal", "tau"), V, r"param"),
    ],
    "plots.likelihood.find_artist": [
        (lambda: _plots("likelihood").find_artist("ax", "mle"), T, r"\bax\b"),
    ],
    "plots.likelihood.animation_html": [
        (lambda: _plots("likelihood").animation_html("anim", "a figure"), T, r"anim"),
    ],
    "plots.mixtures.covariance_ellipse": [
        (lambda: _plots("mixtures").covariance_ellipse([0.0, 0.0], np.eye(3)), V, r"cov"),
    ],
    "plots.mixtures.em_animation": [
        (lambda: _plots("mixtures").em_animation(X1, []), V, r"path"),
    ],
    "plots.mixtures.mixture_params": [
        (lambda: _plots("mixtures").mixture_params("params"), T, r"params"),
    ],
    "plots.mixtures.plot_loglik_history": [
        (lambda: _plots("mixtures").plot_loglik_history([]), V, r"history"),
    ],
    "plots.mixtures.plot_mixture_1d": [
        (lambda: _plots("mixtures").plot_mixture_1d(NAN1, _gmm()), V, r"x.*NaN"),
    ],
    "plots.mixtures.plot_mixture_2d": [
        (lambda: _plots("mixtures").plot_mixture_2d(X1, _gmm()), V, r"x"),
    ],
    "plots.sampling.plot_coverage": [
        (lambda: _plots("sampling").plot_coverage([0.1, 0.2], [0.9]), V, r"coverages"),
    ],
    "plots.sampling.plot_intervals_on_loglik": [
        (lambda: _plots("sampling").plot_intervals_on_loglik(_fit(), "tau"), V, r"param"),
    ],
    "plots.sampling.plot_repeated_intervals": [
        (lambda: _plots("sampling").plot_repeated_intervals([0.0, 1.0], [1.0], true_value=0.5),
         V, r"highs|lows"),
    ],
    "plots.sampling.plot_sampling_distribution": [
        (lambda: _plots("sampling").plot_sampling_distribution([]), V, r"estimates"),
    ],
    "plots.diagnostics.plot_qq": [
        (lambda: _plots("diagnostics").plot_qq("fit", X1), T, r"fit_result"),
    ],
    "plots.diagnostics.plot_pit": [
        (lambda: _plots("diagnostics").plot_pit([0.5, 1.5]), V, r"PIT"),
    ],
    "plots.diagnostics.plot_rootogram": [
        (lambda: _plots("diagnostics").plot_rootogram([1, 2]), T, r"table"),
    ],
    "plots.diagnostics.plot_sensitivity": [
        (lambda: _plots("diagnostics").plot_sensitivity([0.0, 1.0], {"mean": [0.0]}), V,
         r"curves|xs"),
    ],
}


# A student's self-check never raises (a wrong call must not stop the notebook):
# it reports the problem instead, naming what it did not understand.
REPORTS = {
    "checks.check": [lambda: _m("checks").check("ex-no-such-exercise", 1.0),
                     lambda: _m("checks").check(3, 1.0)],
    "checks.evaluate": [lambda: _m("checks").evaluate("ex-no-such-exercise", 1.0).message,
                        lambda: _m("checks").evaluate(3, 1.0).message],
}


def public_functions() -> set[str]:
    """Every function named in a public module's ``__all__``, as 'module.name'."""
    found = set()
    modules = [info.name for info in pkgutil.iter_modules(mlecourse.__path__)
               if not info.name.startswith("_") and info.name not in ("coursework", "plots")]
    modules += [f"plots.{info.name}" for info in pkgutil.iter_modules(_m("plots").__path__)
                if not info.name.startswith("_")]
    for name in modules:
        if name.startswith("plots."):
            module = _plots(name.split(".", 1)[1])
        else:
            module = _m(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if inspect.isfunction(obj):
                found.add(f"{name}.{attr}")
    return found


def test_every_public_function_has_bad_input_rows():
    missing = sorted(public_functions() - set(TABLE) - set(REPORTS))
    assert not missing, f"public functions without bad-input rows in this table: {missing}"


def test_the_table_names_only_public_functions():
    stale = sorted((set(TABLE) | set(REPORTS)) - public_functions())
    assert not stale, f"rows for functions that are not public (any more): {stale}"


ROWS = [(name, i, row) for name, rows in TABLE.items() for i, row in enumerate(rows)]


@pytest.mark.parametrize("name,i,row", ROWS, ids=[f"{name}-{i}" for name, i, _ in ROWS])
def test_bad_input_raises_a_clear_error(name, i, row):
    call, exc, pattern = row
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc, match=pattern) as info:
            call()
    # a clear error is one of ours, not a low-level one passed through
    assert type(info.value).__module__ == "builtins" or type(info.value).__module__.startswith(
        "mlecourse"), f"{name}: {type(info.value)} is not a ValueError/TypeError of mlecourse"
    assert len(str(info.value)) > 20, f"{name}: the message says too little: {info.value}"


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_self_checks_report_a_bad_label_instead_of_raising(name, capsys):
    for call in REPORTS[name]:
        shown = call()
        text = shown if isinstance(shown, str) else capsys.readouterr().out
        assert "is not an exercise label I know" in text, text
        assert "ex-" in text  # it shows what a label looks like
