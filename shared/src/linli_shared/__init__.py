"""What every Linli service shares. Small and boring on purpose: no domain logic lives here."""
