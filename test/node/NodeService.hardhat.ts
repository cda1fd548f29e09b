import { nodeServiceSuite } from "../utils/nodeServiceSuite.js";

nodeServiceSuite("hardhat");
