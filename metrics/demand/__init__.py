"""Need: population and its projections, prevalence estimates, demand by client group and its growth."""
