// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TwinCurveLib
/// @notice The twin market's quadratic bonding curve and fee math.
/// @dev Share number `s` (counting from 0) costs `s^2 * PRICE_UNIT` wei, so the price of the next share grows with
/// the square of the supply: share 0 is free, share 1 costs 0.0000625 ETH, share 100 costs 0.625 ETH (friend.tech's
/// curve, `1 ether / 16000` per squared share). Buying `amount` shares at supply `supply` costs the sum of their
/// prices, computed exactly with `S(n) = n(n+1)(2n+1)/6 = sum of i^2 for i in [0, n]`, so prices are additive:
/// `price(s, a + b) == price(s, a) + price(s + a, b)`. Fees are fractions of 1e18 of a trade's price, rounded down,
/// so a fee never exceeds its rate.
library TwinCurveLib {
    /// @notice Wei per squared share: 1 ether / 16000.
    uint256 internal constant PRICE_UNIT = 1 ether / 16_000;
    /// @notice Fee rates are fractions of this.
    uint256 internal constant FEE_SCALE = 1e18;

    /// @notice What `amount` shares cost starting at supply `supply` (before fees), in wei.
    function price(uint256 supply, uint256 amount) internal pure returns (uint256) {
        if (amount == 0) return 0;
        return (_sumOfSquares(supply + amount - 1) - (supply == 0 ? 0 : _sumOfSquares(supply - 1))) * PRICE_UNIT;
    }

    /// @notice `rate` (a fraction of 1e18) of `amount`, rounded down.
    function fee(uint256 amount, uint256 rate) internal pure returns (uint256) {
        return (amount * rate) / FEE_SCALE;
    }

    /// @dev The sum of `i^2` for `i` from 0 to `n`.
    function _sumOfSquares(uint256 n) private pure returns (uint256) {
        return (n * (n + 1) * (2 * n + 1)) / 6;
    }
}
