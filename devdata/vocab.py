"""Research fields for the synthetic corpus: categories, topic phrases and prose fragments.

Each community of coauthors works in one field and draws its own subset of the field's
phrases, so phrase-topic extraction over a community's abstracts finds the phrases a
researcher in that community would list on a profile.
"""

from __future__ import annotations

# kind: which prose templates fit (cs, phys, astro, math, bio, econ)
# team: typical number of authors; order: byline convention
# (alpha: alphabetical, pi_last: most senior last, random); initials: share of papers whose
# byline uses initials only.
FIELDS: list[dict] = [
    {
        "key": "ml-efficient", "weight": 5, "kind": "cs", "team": 4.5, "order": "pi_last", "initials": 0.03,
        "cats": ["cs.LG", "cs.CV"], "cross": ["cs.AI", "cs.AR", "stat.ML", "cs.NE"],
        "phrases": [
            "binary neural networks", "network quantization", "neural architecture search",
            "knowledge distillation", "model compression", "structured pruning", "low-bit inference",
            "efficient transformers", "mixed-precision training", "on-device learning",
            "post-training quantization", "quantization-aware training", "sparse attention",
            "edge devices", "hardware-aware design", "large language model compression",
            "weight sharing", "dynamic inference", "lottery ticket hypothesis", "low-rank adaptation",
            "energy-efficient accelerators", "vision transformers", "mobile networks",
        ],
        "methods": ["a learnable scaling factor", "a two-stage distillation scheme", "a differentiable search space",
                    "a lightweight gating module", "straight-through gradient estimators", "an evolutionary search strategy"],
        "data": ["ImageNet", "CIFAR-100", "COCO", "the GLUE benchmark", "WikiText-103", "MobileNet backbones"],
    },
    {
        "key": "cv", "weight": 7, "kind": "cs", "team": 5.0, "order": "pi_last", "initials": 0.03,
        "cats": ["cs.CV"], "cross": ["cs.LG", "cs.AI", "cs.GR", "eess.IV"],
        "phrases": [
            "object detection", "semantic segmentation", "image classification", "self-supervised learning",
            "contrastive learning", "3D reconstruction", "neural radiance fields", "pose estimation",
            "video understanding", "image generation", "diffusion models", "domain adaptation",
            "few-shot learning", "visual question answering", "image super-resolution", "optical flow",
            "multi-object tracking", "point cloud segmentation", "open-vocabulary detection",
            "text-to-image synthesis", "gaussian splatting", "depth estimation",
        ],
        "methods": ["a transformer-based decoder", "a multi-scale feature pyramid", "a masked autoencoding objective",
                    "cross-attention between modalities", "a hierarchical memory bank", "a denoising score network"],
        "data": ["COCO", "ImageNet-1k", "ADE20K", "Cityscapes", "KITTI", "ScanNet", "Kinetics-400", "LAION-5B"],
    },
    {
        "key": "nlp", "weight": 6, "kind": "cs", "team": 4.8, "order": "pi_last", "initials": 0.02,
        "cats": ["cs.CL"], "cross": ["cs.LG", "cs.AI", "cs.IR"],
        "phrases": [
            "large language models", "machine translation", "question answering", "instruction tuning",
            "retrieval-augmented generation", "named entity recognition", "text summarization",
            "sentiment analysis", "in-context learning", "chain-of-thought reasoning", "tokenization",
            "multilingual models", "speech recognition", "dialogue systems", "hallucination detection",
            "preference optimization", "low-resource languages", "code generation", "information extraction",
            "long-context modeling",
        ],
        "methods": ["a contrastive pretraining objective", "reinforcement learning from human feedback",
                    "a retrieval module over a dense index", "parameter-efficient fine-tuning", "constrained decoding"],
        "data": ["SQuAD", "Natural Questions", "WMT benchmarks", "MMLU", "GSM8K", "the FLORES-200 suite"],
    },
    {
        "key": "rl-robotics", "weight": 4, "kind": "cs", "team": 4.5, "order": "pi_last", "initials": 0.03,
        "cats": ["cs.RO", "cs.LG"], "cross": ["cs.AI", "cs.SY", "eess.SY", "cs.MA"],
        "phrases": [
            "reinforcement learning", "policy optimization", "imitation learning", "motion planning",
            "robot manipulation", "multi-agent systems", "model-based control", "sim-to-real transfer",
            "legged locomotion", "reward shaping", "offline reinforcement learning", "autonomous driving",
            "trajectory prediction", "visual navigation", "safe exploration", "world models", "grasp planning",
        ],
        "methods": ["a model-predictive controller", "an actor-critic architecture", "a learned dynamics model",
                    "behaviour cloning with data augmentation", "a hierarchical policy"],
        "data": ["the MuJoCo suite", "Atari games", "real-robot experiments", "the nuScenes dataset", "CARLA simulations"],
    },
    {
        "key": "theory-cs", "weight": 3, "kind": "math", "team": 2.6, "order": "alpha", "initials": 0.05,
        "cats": ["cs.DS", "cs.CC"], "cross": ["cs.DM", "math.CO", "cs.GT", "cs.LG"],
        "phrases": [
            "approximation algorithms", "graph algorithms", "online algorithms", "streaming algorithms",
            "parameterized complexity", "submodular optimization", "lower bounds", "randomized algorithms",
            "combinatorial optimization", "communication complexity", "property testing",
            "spectral sparsification", "dynamic graph algorithms", "fine-grained complexity", "matroid theory",
        ],
        "methods": ["a primal-dual analysis", "an LP relaxation with randomized rounding", "a potential-function argument",
                    "a reduction from 3-SUM", "expander decompositions"],
        "data": ["planar graphs", "bounded-degree graphs", "general metrics", "the sliding-window model"],
    },
    {
        "key": "security", "weight": 3, "kind": "cs", "team": 4.0, "order": "pi_last", "initials": 0.03,
        "cats": ["cs.CR"], "cross": ["cs.LG", "cs.DC", "cs.NI"],
        "phrases": [
            "differential privacy", "federated learning", "adversarial examples", "homomorphic encryption",
            "zero-knowledge proofs", "side-channel attacks", "membership inference", "blockchain protocols",
            "secure multiparty computation", "malware detection", "post-quantum cryptography",
            "backdoor attacks", "smart contracts", "fuzzing", "privacy-preserving machine learning",
        ],
        "methods": ["a lattice-based construction", "a gradient-masking defence", "secure aggregation",
                    "a symbolic execution engine", "a threshold signature scheme"],
        "data": ["real-world Android applications", "the Ethereum mainnet", "CIFAR-10", "open-source firmware images"],
    },
    {
        "key": "systems", "weight": 2, "kind": "cs", "team": 4.5, "order": "pi_last", "initials": 0.05,
        "cats": ["cs.DC", "cs.NI"], "cross": ["cs.PF", "cs.OS", "eess.SP", "cs.SY"],
        "phrases": [
            "distributed systems", "consensus protocols", "cloud computing", "edge computing",
            "wireless networks", "resource allocation", "network function virtualization",
            "scheduling algorithms", "serverless computing", "fault tolerance", "5G networks",
            "software-defined networking", "distributed training", "GPU clusters", "key-value stores",
        ],
        "methods": ["a decentralized scheduler", "a Byzantine fault-tolerant protocol", "a learned cost model",
                    "a lock-free data structure", "an online placement heuristic"],
        "data": ["production traces", "a 512-GPU cluster", "the Azure Functions trace", "ns-3 simulations"],
    },
    {
        "key": "quantum", "weight": 5, "kind": "phys", "team": 4.0, "order": "random", "initials": 0.2,
        "cats": ["quant-ph"], "cross": ["cond-mat.mes-hall", "cs.ET", "physics.atom-ph", "math-ph"],
        "phrases": [
            "quantum error correction", "quantum circuits", "variational quantum eigensolver",
            "entanglement entropy", "quantum key distribution", "superconducting qubits", "quantum sensing",
            "trapped ions", "quantum advantage", "open quantum systems", "quantum walks", "Bell inequalities",
            "surface codes", "quantum metrology", "quantum simulation", "measurement-based quantum computing",
            "quantum thermodynamics", "photonic quantum computing",
        ],
        "methods": ["a tensor-network ansatz", "a Lindblad master equation", "randomized benchmarking",
                    "a stabilizer formalism", "dynamical decoupling sequences"],
        "data": ["a 27-qubit superconducting processor", "a trapped-ion chain", "numerical simulations",
                 "an integrated photonic chip"],
    },
    {
        "key": "strongly-correlated", "weight": 5, "kind": "phys", "team": 5.0, "order": "random", "initials": 0.35,
        "cats": ["cond-mat.str-el", "cond-mat.supr-con"], "cross": ["cond-mat.mes-hall", "cond-mat.mtrl-sci"],
        "phrases": [
            "high-temperature superconductivity", "quantum spin liquids", "Hubbard model", "topological insulators",
            "Mott transition", "charge density waves", "heavy fermions", "frustrated magnets",
            "iron-based superconductors", "Kitaev model", "twisted bilayer graphene", "moiré materials",
            "Weyl semimetals", "pair density waves", "quantum criticality", "anomalous Hall effect",
        ],
        "methods": ["density matrix renormalization group calculations", "dynamical mean-field theory",
                    "angle-resolved photoemission spectroscopy", "quantum Monte Carlo simulations",
                    "neutron scattering measurements"],
        "data": ["single crystals", "thin films grown by molecular beam epitaxy", "high-field magnetization data"],
    },
    {
        "key": "soft-stat", "weight": 3, "kind": "phys", "team": 3.2, "order": "random", "initials": 0.3,
        "cats": ["cond-mat.soft", "cond-mat.stat-mech"], "cross": ["physics.flu-dyn", "physics.bio-ph", "nlin.AO"],
        "phrases": [
            "active matter", "glass transition", "granular materials", "polymer dynamics", "phase separation",
            "nonequilibrium steady states", "colloidal suspensions", "liquid crystals", "jamming transition",
            "stochastic thermodynamics", "critical phenomena", "motility-induced phase separation",
            "entropy production", "hydrodynamic interactions",
        ],
        "methods": ["molecular dynamics simulations", "a mean-field theory", "large deviation theory",
                    "lattice Boltzmann simulations", "renormalization group analysis"],
        "data": ["numerical simulations", "colloidal experiments", "particle-tracking data"],
    },
    {
        "key": "materials", "weight": 4, "kind": "phys", "team": 6.0, "order": "pi_last", "initials": 0.25,
        "cats": ["cond-mat.mtrl-sci"], "cross": ["physics.chem-ph", "cond-mat.mes-hall", "physics.app-ph"],
        "phrases": [
            "density functional theory", "two-dimensional materials", "perovskite solar cells",
            "thermal conductivity", "machine learning interatomic potentials", "lithium-ion batteries",
            "thermoelectric materials", "defect engineering", "phonon dispersion", "magnetic anisotropy",
            "high-entropy alloys", "van der Waals heterostructures", "catalytic activity", "solid electrolytes",
        ],
        "methods": ["first-principles calculations", "high-throughput screening", "in situ X-ray diffraction",
                    "ab initio molecular dynamics", "a graph neural network potential"],
        "data": ["the Materials Project database", "epitaxial thin films", "synthesized samples"],
    },
    {
        "key": "hep-ph", "weight": 4, "kind": "phys", "team": 3.2, "order": "alpha", "initials": 0.55,
        "cats": ["hep-ph"], "cross": ["hep-ex", "hep-th", "astro-ph.CO", "nucl-th"],
        "phrases": [
            "dark matter candidates", "Higgs boson couplings", "neutrino oscillations", "effective field theory",
            "collider signatures", "lepton flavour violation", "parton distribution functions",
            "axion-like particles", "electroweak precision tests", "QCD corrections", "supersymmetric models",
            "baryogenesis", "sterile neutrinos", "flavour anomalies", "vector-like quarks", "heavy quarkonium",
        ],
        "methods": ["next-to-leading order calculations", "a global fit", "lattice QCD input",
                    "a Monte Carlo event generator", "renormalization group evolution"],
        "data": ["LHC Run 2 data at $\\sqrt{s}=13$ TeV", "Planck 2018 constraints", "direct-detection limits",
                 "electroweak precision data"],
    },
    {
        "key": "hep-th", "weight": 4, "kind": "phys", "team": 2.4, "order": "alpha", "initials": 0.4,
        "cats": ["hep-th"], "cross": ["gr-qc", "math-ph", "hep-ph", "quant-ph"],
        "phrases": [
            "AdS/CFT correspondence", "string compactifications", "black hole entropy", "conformal field theory",
            "scattering amplitudes", "holographic entanglement", "supergravity", "swampland conjectures",
            "gauge theories", "quantum gravity", "topological field theory", "modular invariance",
            "conformal bootstrap", "higher-spin theories", "celestial holography", "de Sitter space",
        ],
        "methods": ["a worldsheet analysis", "the replica trick", "supersymmetric localization",
                    "an on-shell recursion", "the conformal bootstrap"],
        "data": ["the large-$N$ limit", "four dimensions", "the near-horizon geometry"],
    },
    {
        "key": "hep-ex", "weight": 2, "kind": "phys", "team": 8.0, "order": "alpha", "initials": 0.7,
        "cats": ["hep-ex"], "cross": ["hep-ph", "nucl-ex", "physics.ins-det"],
        "phrases": [
            "Higgs boson production", "top quark pair production", "searches for new physics", "B meson decays",
            "jet substructure", "proton-proton collisions", "luminosity measurement", "CP violation",
            "heavy-ion collisions", "trigger systems", "rare decays", "neutrino cross sections",
            "calorimeter calibration", "dark photon searches",
        ],
        "methods": ["a boosted decision tree", "a profile likelihood fit", "a template fit to the invariant mass",
                    "a data-driven background estimate"],
        "data": ["$139~\\mathrm{fb}^{-1}$ of proton-proton collision data", "the full Run 2 dataset",
                 "$e^+e^-$ collision data", "test-beam data"],
    },
    {
        "key": "cosmology", "weight": 4, "kind": "astro", "team": 5.0, "order": "random", "initials": 0.45,
        "cats": ["astro-ph.CO"], "cross": ["astro-ph.GA", "gr-qc", "hep-ph"],
        "phrases": [
            "dark matter halos", "cosmic microwave background", "baryon acoustic oscillations",
            "weak gravitational lensing", "dark energy", "large-scale structure", "galaxy clusters",
            "primordial non-Gaussianity", "reionization", "Hubble tension", "cosmological simulations",
            "21-cm cosmology", "inflationary models", "redshift-space distortions", "neutrino masses",
        ],
        "methods": ["an emulator trained on N-body simulations", "a Fisher forecast", "Markov chain Monte Carlo sampling",
                    "a halo model", "a likelihood-free inference pipeline"],
        "data": ["Planck 2018 data", "the Dark Energy Survey Year 3 data", "DESI spectroscopic data",
                 "the IllustrisTNG simulations", "$\\Lambda$CDM simulations"],
    },
    {
        "key": "galaxies", "weight": 4, "kind": "astro", "team": 6.0, "order": "random", "initials": 0.45,
        "cats": ["astro-ph.GA"], "cross": ["astro-ph.CO", "astro-ph.SR", "astro-ph.HE"],
        "phrases": [
            "galaxy formation", "star formation", "active galactic nuclei", "supermassive black holes",
            "interstellar medium", "galaxy mergers", "stellar populations", "molecular clouds",
            "high-redshift galaxies", "galactic dynamics", "circumgalactic medium", "dwarf galaxies",
            "stellar feedback", "quasar outflows",
        ],
        "methods": ["integral-field spectroscopy", "spectral energy distribution fitting",
                    "cosmological zoom-in simulations", "radiative transfer modelling"],
        "data": ["JWST NIRCam imaging", "ALMA observations", "SDSS spectra", "Gaia DR3 astrometry",
                 "MUSE integral-field data"],
    },
    {
        "key": "exoplanets-stellar", "weight": 3, "kind": "astro", "team": 5.0, "order": "random", "initials": 0.4,
        "cats": ["astro-ph.EP", "astro-ph.SR"], "cross": ["astro-ph.IM", "astro-ph.GA"],
        "phrases": [
            "exoplanet atmospheres", "transit photometry", "radial velocity", "protoplanetary disks",
            "stellar rotation", "asteroseismology", "planet formation", "habitable zone", "solar flares",
            "white dwarfs", "binary stars", "hot Jupiters", "debris disks", "stellar activity",
        ],
        "methods": ["transmission spectroscopy", "Gaussian-process detrending", "hydrodynamical simulations",
                    "a joint transit and radial-velocity fit"],
        "data": ["TESS light curves", "Kepler photometry", "HARPS spectra", "JWST NIRSpec spectra"],
    },
    {
        "key": "high-energy-astro", "weight": 3, "kind": "astro", "team": 6.0, "order": "random", "initials": 0.5,
        "cats": ["astro-ph.HE"], "cross": ["gr-qc", "astro-ph.CO", "hep-ph"],
        "phrases": [
            "gravitational waves", "neutron star mergers", "gamma-ray bursts", "fast radio bursts",
            "pulsar timing arrays", "X-ray binaries", "cosmic rays", "black hole binaries",
            "supernova remnants", "tidal disruption events", "high-energy neutrinos", "magnetars",
            "relativistic jets", "kilonovae",
        ],
        "methods": ["general-relativistic magnetohydrodynamic simulations", "Bayesian parameter estimation",
                    "a matched-filter search", "multi-messenger follow-up"],
        "data": ["LIGO-Virgo-KAGRA observing runs", "Fermi-LAT data", "IceCube alerts", "NICER observations",
                 "CHIME/FRB detections"],
    },
    {
        "key": "analysis-pde", "weight": 4, "kind": "math", "team": 2.2, "order": "alpha", "initials": 0.2,
        "cats": ["math.AP"], "cross": ["math.FA", "math.DS", "math-ph", "math.CA"],
        "phrases": [
            "nonlinear Schrödinger equations", "Navier-Stokes equations", "elliptic equations", "well-posedness",
            "regularity theory", "spectral theory", "harmonic analysis", "free boundary problems",
            "Sobolev spaces", "blow-up solutions", "dispersive estimates", "mean curvature flow",
            "homogenization", "kinetic equations",
        ],
        "methods": ["a compactness argument", "Strichartz estimates", "a Carleman inequality",
                    "the method of moving planes", "a De Giorgi iteration"],
        "data": ["bounded Lipschitz domains", "the energy-critical regime", "the periodic setting"],
    },
    {
        "key": "algebra-comb", "weight": 5, "kind": "math", "team": 2.1, "order": "alpha", "initials": 0.2,
        "cats": ["math.CO", "math.AG", "math.NT"], "cross": ["math.RT", "math.GR", "math.PR", "cs.DM"],
        "phrases": [
            "algebraic curves", "moduli spaces", "graph colouring", "extremal combinatorics", "random graphs",
            "elliptic curves", "modular forms", "representation theory", "Hopf algebras", "Ramsey theory",
            "additive combinatorics", "L-functions", "Coxeter groups", "tropical geometry",
            "symmetric functions", "Galois representations",
        ],
        "methods": ["the polynomial method", "a probabilistic construction", "an explicit bijection",
                    "the circle method", "a spectral sequence argument"],
        "data": ["finite fields", "number fields of small degree", "hypergraphs"],
    },
    {
        "key": "prob-stat", "weight": 4, "kind": "math", "team": 2.8, "order": "alpha", "initials": 0.1,
        "cats": ["math.PR", "stat.ML", "stat.ME"], "cross": ["math.ST", "stat.TH", "cs.LG", "stat.CO"],
        "phrases": [
            "random matrices", "stochastic differential equations", "Bayesian inference",
            "high-dimensional statistics", "causal inference", "Gaussian processes", "Markov chain Monte Carlo",
            "concentration inequalities", "random walks", "optimal transport", "variational inference",
            "conformal prediction", "empirical processes", "changepoint detection",
        ],
        "methods": ["a coupling argument", "a martingale decomposition", "a semiparametric estimator",
                    "a PAC-Bayesian bound", "Stein's method"],
        "data": ["simulated data", "electronic health records", "the high-dimensional regime"],
    },
    {
        "key": "optimization-control", "weight": 3, "kind": "math", "team": 3.2, "order": "pi_last", "initials": 0.1,
        "cats": ["math.OC", "eess.SY"], "cross": ["cs.LG", "cs.SY", "stat.ML"],
        "phrases": [
            "convex optimization", "stochastic gradient descent", "model predictive control",
            "nonconvex optimization", "optimal control", "distributed optimization", "robust control",
            "power systems", "mixed-integer programming", "bilevel optimization", "variance reduction",
            "Lyapunov stability",
        ],
        "methods": ["an accelerated proximal method", "a primal-dual algorithm", "a sum-of-squares relaxation",
                    "a Lyapunov-based analysis"],
        "data": ["the IEEE 118-bus system", "benchmark instances", "synthetic problems"],
    },
    {
        "key": "signal", "weight": 3, "kind": "cs", "team": 4.0, "order": "pi_last", "initials": 0.1,
        "cats": ["eess.SP", "eess.AS", "eess.IV"], "cross": ["cs.IT", "cs.LG", "cs.SD"],
        "phrases": [
            "MIMO systems", "channel estimation", "beamforming", "compressed sensing", "speech enhancement",
            "medical image segmentation", "radar signal processing", "reconfigurable intelligent surfaces",
            "image denoising", "integrated sensing and communication", "source separation", "graph signal processing",
        ],
        "methods": ["a deep unfolding network", "a sparse Bayesian learning algorithm", "an alternating optimization scheme",
                    "a U-Net backbone"],
        "data": ["measured channel data", "the LibriSpeech corpus", "BraTS MRI scans", "over-the-air experiments"],
    },
    {
        "key": "bio", "weight": 2, "kind": "bio", "team": 6.0, "order": "pi_last", "initials": 0.15,
        "cats": ["q-bio.NC", "q-bio.QM", "physics.bio-ph"], "cross": ["q-bio.PE", "q-bio.BM", "cs.LG"],
        "phrases": [
            "protein structure prediction", "gene regulatory networks", "neural dynamics", "epidemic modeling",
            "single-cell RNA sequencing", "brain connectivity", "evolutionary dynamics", "drug discovery",
            "molecular dynamics simulations", "cell migration", "spiking neural networks", "synaptic plasticity",
        ],
        "methods": ["a compartmental model", "a variational autoencoder", "a stochastic simulation algorithm",
                    "a generalized linear model"],
        "data": ["calcium imaging recordings", "the Human Connectome Project data", "COVID-19 incidence data",
                 "the Protein Data Bank"],
    },
    {
        "key": "econ-fin", "weight": 1, "kind": "econ", "team": 2.5, "order": "alpha", "initials": 0.1,
        "cats": ["econ.EM", "q-fin.ST", "econ.TH"], "cross": ["stat.ME", "q-fin.PM", "cs.GT"],
        "phrases": [
            "causal effects", "asset pricing", "market microstructure", "portfolio optimization",
            "mechanism design", "auction theory", "difference-in-differences", "volatility modeling",
            "instrumental variables", "matching markets",
        ],
        "methods": ["a synthetic control estimator", "a structural model", "a GARCH specification",
                    "a regression discontinuity design"],
        "data": ["administrative data", "high-frequency trade data", "panel data from 40 countries"],
    },
    {
        "key": "optics-amo", "weight": 3, "kind": "phys", "team": 5.0, "order": "random", "initials": 0.3,
        "cats": ["physics.optics", "physics.atom-ph"], "cross": ["quant-ph", "cond-mat.quant-gas"],
        "phrases": [
            "photonic crystals", "optical frequency combs", "ultracold atoms", "Bose-Einstein condensates",
            "nonlinear optics", "metasurfaces", "optical tweezers", "silicon photonics", "atomic clocks",
            "cavity optomechanics", "Rydberg atoms", "topological photonics",
        ],
        "methods": ["finite-difference time-domain simulations", "a Gross-Pitaevskii description",
                    "laser spectroscopy", "a coupled-mode theory"],
        "data": ["a fabricated device", "an optical lattice", "time-resolved measurements"],
    },
]

# Prose that fits every field: lowercase phrases go in verbatim, so templates keep grammar simple.
ADJ = ["simple", "general", "unified", "scalable", "principled", "robust", "efficient", "systematic",
       "novel", "flexible", "rigorous", "lightweight", "data-driven", "fully differentiable"]
STUDY = ["study", "analysis", "framework", "approach", "perspective", "investigation"]

# {p1},{p2},{p3}: community phrases; {m}: a method; {d}: data; {a}: adjective; {n}/{k}: numbers;
# {acr}: a method acronym.
INTRO = {
    "cs": [
        "Research on {p1} has emerged as a promising direction for {p2}.",
        "Recent advances in {p1} have renewed interest in {p2}.",
        "Progress in {p1} is a key ingredient of modern work on {p2}.",
        "Deploying {p1} in practice remains challenging, especially for {p2}.",
        "{P1} and {p2} are usually studied in isolation.",
    ],
    "phys": [
        "The physics of {p1} plays a central role in our understanding of {p2}.",
        "The interplay between {p1} and {p2} has attracted considerable attention.",
        "Understanding {p1} remains one of the open problems in the physics of {p2}.",
        "The study of {p1} offers a natural setting in which to explore {p2}.",
        "Recent experiments on {p1} have raised new questions about {p2}.",
    ],
    "astro": [
        "Measurements of {p1} provide a powerful probe of {p2}.",
        "The physics of {p1} is closely tied to {p2}.",
        "Upcoming surveys will measure {p1} with unprecedented precision, opening a window on {p2}.",
        "The properties of {p1} remain poorly constrained, which limits our understanding of {p2}.",
    ],
    "math": [
        "We study {p1} in connection with {p2}.",
        "Problems involving {p1} arise naturally in the study of {p2}.",
        "This paper is concerned with {p1} and their relation to {p2}.",
        "Questions about {p1} go back to classical work on {p2}.",
    ],
    "bio": [
        "Research on {p1} is central to understanding {p2}.",
        "Quantitative models of {p1} are needed to interpret data on {p2}.",
        "The study of {p1} has been transformed by new experimental techniques, yet its link to {p2} remains unclear.",
    ],
    "econ": [
        "The measurement of {p1} is a central question in empirical work on {p2}.",
        "We revisit {p1} in the context of {p2}.",
        "Classical approaches to {p1} ignore the role of {p2}.",
    ],
}
PROBLEM = [
    "However, existing approaches to {p1} rely on strong assumptions that rarely hold in practice.",
    "Despite significant progress, the connection between {p1} and {p3} is still poorly understood.",
    "Most previous work treats {p3} as a fixed input, which limits its applicability.",
    "A major obstacle is that {p1} scales poorly with the size of the problem.",
    "Current methods either ignore {p3} or require expensive tuning.",
    "The role of {p3} in this setting has so far been largely overlooked.",
]
METHOD = {
    "cs": [
        "In this work, we propose {acr}, a {a} framework that combines {p1} with {p3}.",
        "We introduce {acr}, which leverages {m} to improve {p1}.",
        "We develop a {a} approach to {p1} based on {m}.",
        "To address this, we present {acr}, a {a} method for {p1} built on {m}.",
    ],
    "phys": [
        "Here we study {p1} using {m}.",
        "We develop a {a} description of {p1} based on {m}.",
        "Using {m}, we investigate {p1} in the presence of {p3}.",
        "In this paper we present a {a} analysis of {p1} with {m}.",
    ],
    "astro": [
        "We analyse {p1} using {d} together with {m}.",
        "Using {m}, we measure {p1} from {d}.",
        "We present a {a} study of {p1} based on {d}.",
    ],
    "math": [
        "Using {m}, we prove sharp results on {p1}.",
        "We establish new bounds for {p1} by means of {m}.",
        "Our main result gives a {a} characterization of {p1} in terms of {p3}.",
        "We prove that problems on {p1} admit a {a} description via {m}.",
    ],
    "bio": [
        "We combine {m} with {d} to study {p1}.",
        "Here we introduce a {a} model of {p1} built on {m}.",
    ],
    "econ": [
        "We propose {m} for {p1} and apply it to {d}.",
        "Using {d}, we estimate {p1} with {m}.",
    ],
}
DETAIL = [
    "Our approach exploits {p3} to reduce the cost of {p1} without sacrificing accuracy.",
    "The key idea is to treat {p2} and {p3} within a single {a} formulation.",
    "We show that our approach to {p1} can be understood as a special case of {p3}.",
    "A careful analysis reveals a trade-off between {p2} and {p3}.",
    "We also discuss how {p3} affects the stability of the resulting scheme.",
    "In contrast to earlier work, no prior knowledge of {p2} is required.",
]
RESULT = {
    "cs": [
        "Experiments on {d} show that {acr} outperforms strong baselines by {n}% while using {k}x fewer parameters.",
        "On {d}, our method improves over the previous state of the art by {n} points.",
        "Extensive experiments on {d} confirm the benefits for {p1}.",
        "{acr} achieves a {k}x speed-up on {d} with negligible loss in accuracy.",
    ],
    "phys": [
        "We find that signatures of {p1} are strongly enhanced near {p3}, with a characteristic scale of order $\\xi \\sim {k}$.",
        "Our results show a crossover between two regimes governed by {p3}.",
        "The predicted signatures of {p1} are within reach of current experiments.",
        "We identify a regime in which the effects of {p1} and {p3} coexist.",
    ],
    "astro": [
        "We find that our measurements of {p1} are consistent with the standard model at the {k}$\\sigma$ level.",
        "Our measurements improve existing constraints on {p1} by a factor of {k}.",
        "We detect a significant correlation between {p1} and {p3} at redshift $z \\sim {k}$.",
        "The inferred properties of {p1} agree with predictions from {m}.",
    ],
    "math": [
        "As a consequence, we obtain a new proof of a classical result on {p3}.",
        "In particular, the bound is optimal up to a factor of $\\log n$.",
        "We also show that the assumptions on {p3} cannot be removed.",
        "Several open questions about {p1} are answered in the affirmative.",
    ],
    "bio": [
        "The model reproduces key features of {d} and predicts the effect of {p3}.",
        "We find that the behaviour of {p1} depends strongly on {p3}.",
    ],
    "econ": [
        "We find economically significant effects of {p3}, robust to alternative specifications.",
        "The estimates suggest that the role of {p1} has been underestimated by about {n}%.",
    ],
}
CONCLUSION = [
    "These results clarify the nature of {p1} and suggest ways forward for {p2}.",
    "Our findings have implications for the design of future work on {p2}.",
    "We discuss the implications of our results for {p2}.",
    "Taken together, our results make {p1} practical for {p3}.",
    "",
    "",
]
TITLE = {
    "cs": [
        "{acr}: {A} {p1} for {p2}", "{P1} with {p3}", "Towards {a} {p1}", "Rethinking {p1} for {p2}",
        "{acr}: Learning {p1} from {p3}", "Efficient {p1} via {p3}", "On the Role of {p3} in {p1}",
        "{P1} Meets {p3}",
    ],
    "phys": [
        "{P1} in {p2}", "{P1} and {p3}", "Signatures of {p1} in {p2}", "Emergent {p1} from {p3}",
        "A {a} theory of {p1}", "Probing {p1} with {p3}", "On the origin of {p1} in {p2}",
    ],
    "astro": [
        "Constraints on {p1} from {d}", "{P1} and {p2}", "The role of {p3} in {p1}",
        "A {a} census of {p1}", "Probing {p1} with {d}",
    ],
    "math": [
        "On {p1} and {p2}", "A note on {p1}", "{P1} via {p3}", "Sharp bounds for {p1}",
        "{P1}, {p3}, and applications", "Remarks on {p1} in {p2}",
    ],
    "bio": ["How {p1} shapes {p2}", "A {a} model of {p1}", "{P1} and {p3}: a quantitative study"],
    "econ": ["{P1} and {p2}", "Estimating {p1} with {p3}", "A {a} approach to {p1}"],
}

VENUES = ["NeurIPS", "ICML", "ICLR", "CVPR", "ICCV", "ECCV", "ACL", "EMNLP", "NAACL", "AAAI", "IJCAI",
          "KDD", "SIGMOD", "STOC", "FOCS", "SODA", "CCS", "USENIX Security", "INFOCOM", "ICRA", "IROS", "CoRL"]

# (journal-ref pattern, DOI pattern) by kind; {v} volume, {p} page, {y} year, {i} issue, {r} random digits
JOURNALS = {
    "cs": [
        ("IEEE Trans. Pattern Anal. Mach. Intell. {v}({i}), {p}-{q} ({y})", "10.1109/TPAMI.{y}.{r}"),
        ("Int. J. Comput. Vis. {v}, {p}-{q} ({y})", "10.1007/s11263-0{yy}-0{r}-{i}"),
        ("J. Mach. Learn. Res. {v}({i}):{p}-{q}, {y}", ""),
        ("Proceedings of the {y} Conference on Empirical Methods in Natural Language Processing, pp. {p}-{q}", "10.18653/v1/{y}.emnlp-main.{i}"),
        ("IEEE Transactions on Information Forensics and Security {v} ({y}) {p}-{q}", "10.1109/TIFS.{y}.{r}"),
    ],
    "phys": [
        ("Phys. Rev. B {v}, {p} ({y})", "10.1103/PhysRevB.{v}.{p}"),
        ("Phys. Rev. Lett. {v}, {p} ({y})", "10.1103/PhysRevLett.{v}.{p}"),
        ("Phys. Rev. D {v}, {p} ({y})", "10.1103/PhysRevD.{v}.{p}"),
        ("JHEP {i} ({y}) {p}", "10.1007/JHEP{i}({y}){p}"),
        ("Nature Commun. {v}, {p} ({y})", "10.1038/s41467-0{yy}-{r}-{i}"),
        ("Phys. Rev. A {v}, {p} ({y})", "10.1103/PhysRevA.{v}.{p}"),
        ("New J. Phys. {v} ({y}) {p}", "10.1088/1367-2630/ab{r}"),
    ],
    "astro": [
        ("Astrophys. J. {v}, {p} ({y})", "10.3847/1538-4357/ab{r}"),
        ("Mon. Not. Roy. Astron. Soc. {v}, {p}-{q} ({y})", "10.1093/mnras/stab{r}"),
        ("Astron. Astrophys. {v}, A{i} ({y})", "10.1051/0004-6361/20{yy}{r}"),
        ("JCAP {i} ({y}) {p}", "10.1088/1475-7516/{y}/{i}/{p}"),
    ],
    "math": [
        ("Comm. Math. Phys. {v} ({y}) {p}-{q}", "10.1007/s00220-0{yy}-0{r}-{i}"),
        ("J. Funct. Anal. {v} ({y}) {p}", "10.1016/j.jfa.{y}.{r}"),
        ("Adv. Math. {v} ({y}) {p}", "10.1016/j.aim.{y}.{r}"),
        ("Combinatorica {v} ({y}) {p}-{q}", "10.1007/s00493-0{yy}-{r}-{i}"),
        ("Ann. Probab. {v}({i}): {p}-{q} ({y})", "10.1214/{yy}-AOP{r}"),
        ("Duke Math. J. {v} ({y}), no. {i}, {p}-{q}", "10.1215/00127094-{y}-{r}"),
    ],
    "bio": [
        ("PLoS Comput. Biol. {v}({i}): e{r} ({y})", "10.1371/journal.pcbi.{r}"),
        ("Proc. Natl. Acad. Sci. USA {v}, e{r} ({y})", "10.1073/pnas.{r}"),
    ],
    "econ": [
        ("Econometrica {v}({i}), {p}-{q} ({y})", "10.3982/ECTA{r}"),
        ("J. Finance {v}({i}), {p}-{q} ({y})", "10.1111/jofi.{r}"),
    ],
}
REPORT_NOS = ["CERN-TH-{y}-{r3}", "FERMILAB-PUB-{yy}-{r3}-T", "SLAC-PUB-{r5}", "MIT-CTP/{r4}", "DESY {yy}-{r3}",
              "IPMU{yy}-{r4}", "KEK-TH-{r4}", "CERN-EP-{y}-{r3}", "IFT-UAM/CSIC-{yy}-{r3}", "YITP-{yy}-{r3}"]
LICENSES = [
    "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
    "http://creativecommons.org/licenses/by/4.0/",
    "http://creativecommons.org/licenses/by-nc-nd/4.0/",
    "http://creativecommons.org/licenses/by-sa/4.0/",
    "http://creativecommons.org/publicdomain/zero/1.0/",
    "http://creativecommons.org/licenses/by/3.0/",
]

# Large experimental collaborations: (name, field key, relative number of papers)
COLLABORATIONS = [
    ("ATLAS Collaboration", "hep-ex", 10), ("CMS Collaboration", "hep-ex", 10), ("LHCb Collaboration", "hep-ex", 5),
    ("ALICE Collaboration", "hep-ex", 4), ("Belle II Collaboration", "hep-ex", 2), ("BESIII Collaboration", "hep-ex", 3),
    ("CDF Collaboration", "hep-ex", 1), ("D0 Collaboration", "hep-ex", 1), ("BABAR Collaboration", "hep-ex", 1),
    ("T2K Collaboration", "hep-ex", 1), ("DUNE Collaboration", "hep-ex", 1),
    ("LIGO Scientific Collaboration and Virgo Collaboration", "high-energy-astro", 3),
    ("IceCube Collaboration", "high-energy-astro", 3), ("Fermi-LAT Collaboration", "high-energy-astro", 2),
    ("Pierre Auger Collaboration", "high-energy-astro", 1), ("H.E.S.S. Collaboration", "high-energy-astro", 1),
    ("DES Collaboration", "cosmology", 2), ("Planck Collaboration", "cosmology", 1), ("DESI Collaboration", "cosmology", 1),
]


# More phrasings, so that no stock phrase of the prose recurs often enough to look like a topic.
PROBLEM += [
    "Yet little is known about how {p3} influences {p1}.",
    "Earlier treatments of {p1} neglect {p3} entirely.",
    "Standard techniques break down once {p3} is included.",
    "How {p1} behaves in the presence of {p3} remains an open question.",
    "A systematic treatment of {p1} that accounts for {p3} is still missing.",
    "Existing estimates disagree on the importance of {p3}.",
]
DETAIL += [
    "We further clarify how {p2} enters the analysis.",
    "Crucially, {p3} can be incorporated at negligible additional cost.",
    "Along the way we obtain a simplified treatment of {p2}.",
    "This perspective connects {p1} to ideas from {p3}.",
    "The construction applies equally to {p2}.",
    "We also examine where this picture ceases to hold.",
]
CONCLUSION += [
    "We expect the approach to extend to {p2}.",
    "Possible extensions to {p3} are outlined.",
    "Several questions about {p2} are left for follow-up work.",
    "Implications for {p3} are briefly discussed.",
    "",
]
INTRO["cs"] += ["Interest in {p1} has grown rapidly alongside work on {p2}.",
                "Many applications of {p2} depend on progress in {p1}."]
INTRO["phys"] += ["Much recent work has focused on {p1}, motivated in part by {p2}.",
                  "Experiments on {p2} increasingly probe {p1}."]
INTRO["astro"] += ["Surveys of {p2} have made {p1} accessible to precise study.",
                   "Theoretical models of {p1} make testable predictions for {p2}."]
INTRO["math"] += ["Let us consider {p1} from the viewpoint of {p2}.",
                  "Recent progress on {p2} suggests new approaches to {p1}."]
RESULT["cs"] += ["Compared with prior art, {acr} reduces memory by {k}x on {d}.",
                 "Ablations on {d} isolate the contribution of {p3}."]
RESULT["phys"] += ["Numerical results agree with the analytical predictions to within {n}%.",
                   "We map out the full phase diagram as a function of {p3}."]
RESULT["astro"] += ["The data favour models in which {p3} is significant.",
                    "We place an upper limit on {p1} that is {k} times tighter than before."]
RESULT["math"] += ["We illustrate the theorem with explicit examples from {p3}.",
                   "The method also yields effective constants."]
